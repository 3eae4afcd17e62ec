// SPDX-License-Identifier: MIT
#version 450
// tests/integration/descriptors.c: dst[i] = src[i] * mul + add over the shorter of the two
// buffers, so that what a descriptor set names (buffers, offsets, ranges, the parameters) shows
// in what is written.
layout(local_size_x = 64) in;

layout(set = 0, binding = 0, std430) readonly buffer In { uint src[]; };
layout(set = 0, binding = 1, std430) writeonly buffer Out { uint dst[]; };
layout(set = 0, binding = 2, std140) uniform Params { uint mul; uint add; };

void main()
{
   uint i = gl_GlobalInvocationID.x;
   if (i < uint(src.length()) && i < uint(dst.length()))
      dst[i] = src[i] * mul + add;
}
