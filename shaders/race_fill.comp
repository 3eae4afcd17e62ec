// SPDX-License-Identifier: MIT
#version 450
// tests/integration/barrier_race.c: round r writes data[i] = hash(i) + r * 0x9e3779b9 over n
// words, so that a later read of the wrong round's value shows. A grid-stride loop over a 1D
// grid (hosts clamp the group count to maxComputeWorkGroupCount[0]).
layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
   uint n;
   uint round;
} params;

layout(set = 0, binding = 0, std430) writeonly buffer Data { uint data[]; };

uint
hash(uint x)
{
   x ^= x >> 16;
   x *= 0x7feb352du;
   x ^= x >> 15;
   x *= 0x846ca68bu;
   x ^= x >> 16;
   return x;
}

void
main()
{
   uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
   for (uint i = gl_GlobalInvocationID.x; i < params.n; i += stride)
      data[i] = hash(i) + params.round * 0x9e3779b9u;
}
