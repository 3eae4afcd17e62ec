// SPDX-License-Identifier: MIT
#version 450
// tests/integration/barrier_race.c: acc[i] += data[n - 1 - i]. The first workgroups read what
// the last workgroups of the write before it (shaders/race_fill.comp) wrote, so that without a
// barrier between them a GPU reads values that are not written yet.
layout(local_size_x = 256) in;

layout(push_constant) uniform Params {
   uint n;
   uint round;
} params;

layout(set = 0, binding = 0, std430) readonly buffer Data { uint data[]; };
layout(set = 0, binding = 1, std430) buffer Acc { uint acc[]; };

void
main()
{
   uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
   for (uint i = gl_GlobalInvocationID.x; i < params.n; i += stride)
      acc[i] += data[params.n - 1u - i];
}
