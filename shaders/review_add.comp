// SPDX-License-Identifier: MIT
#version 450
// tests/integration/barrier_review.c: dst[i] = src[i] + add for i < n (push constants), so that
// a missing barrier between dependent dispatches shows in what is written.
layout(local_size_x = 64) in;

layout(set = 0, binding = 0, std430) readonly buffer In { uint src[]; };
layout(set = 0, binding = 1, std430) writeonly buffer Out { uint dst[]; };
layout(push_constant) uniform Push { uint n; uint add; };

void main()
{
   uint i = gl_GlobalInvocationID.x;
   if (i < n)
      dst[i] = src[i] + add;
}
