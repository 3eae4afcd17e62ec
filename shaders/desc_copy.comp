// SPDX-License-Identifier: MIT
#version 450
// tests/integration/descriptor_{regressions,holds,threads}.c: copies one uvec4 from the buffer
// set 0 names to the buffer set 1 names, so that the output shows which buffer a set held.
layout(local_size_x = 1) in;

layout(set = 0, binding = 0) readonly buffer S { uvec4 v; } src;
layout(set = 1, binding = 0) buffer O { uvec4 o; } outb;

void main()
{
   outb.o = src.v;
}
