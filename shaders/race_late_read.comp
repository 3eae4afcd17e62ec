// SPDX-License-Identifier: MIT
#version 450
// tests/integration/barrier_race.c --late: acc[round] = data[round], which the spinning write
// before it (shaders/race_late_write.comp) writes at its end.
layout(local_size_x = 1) in;

layout(push_constant) uniform Params {
   uint n;
   uint round;
   uint spin;
} params;

layout(set = 0, binding = 0, std430) readonly buffer Data { uint data[]; };
layout(set = 0, binding = 1, std430) buffer Acc { uint acc[]; };

void
main()
{
   acc[params.round] = data[params.round];
}
