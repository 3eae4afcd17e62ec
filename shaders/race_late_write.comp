// SPDX-License-Identifier: MIT
#version 450
// tests/integration/barrier_race.c --late: one invocation spins `spin` steps of a linear
// congruential generator seeded with the round, then writes the result to data[round]. The read
// after it (shaders/race_late_read.comp) is one invocation too, so a GPU has room to run it
// beside this one: without a barrier between them it reads data[round] long before the write.
// llvmpipe stops a shader's loops after about 65535 iterations in all (nested ones too), so a
// spin on lavapipe stays below that.
layout(local_size_x = 1) in;

layout(push_constant) uniform Params {
   uint n;
   uint round;
   uint spin;
} params;

layout(set = 0, binding = 0, std430) writeonly buffer Data { uint data[]; };

void
main()
{
   uint x = params.round + 1u;
   for (uint i = 0u; i < params.spin; i++)
      x = x * 1664525u + 1013904223u;
   data[params.round] = x;
}
