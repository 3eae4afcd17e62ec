#version 450
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) readonly buffer S { uvec4 v; } src;
layout(set = 1, binding = 0) buffer O { uvec4 o; } outb;
void main() { outb.o = src.v; }
