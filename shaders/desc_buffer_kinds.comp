// SPDX-License-Identifier: MIT
#version 450
// tests/integration/descriptor_fuzz.c: reads every buffer-like kind of descriptor (uniform and
// storage buffers in arrays, with a binding of count 0 between two storage arrays, dynamic
// buffers, uniform and storage texel buffers, an inline uniform block) and writes what it read
// to set 1, one uvec4 per read, so that the content of set 0 shows in the output.
layout(local_size_x = 1) in;

layout(set = 0, binding = 0) uniform U { uvec4 v; } ubo[2];
layout(set = 0, binding = 1) readonly buffer S1 { uvec4 v; } sa[3];
// binding 2: count 0 (consecutive-binding updates run across it)
layout(set = 0, binding = 3) readonly buffer S3 { uvec4 v; } sb[2];
layout(set = 0, binding = 4) uniform UD { uvec4 v; } ubod;
layout(set = 0, binding = 5) readonly buffer SD { uvec4 v; } ssbod;
layout(set = 0, binding = 6) uniform usamplerBuffer utb[2];
layout(set = 0, binding = 7, r32ui) uniform readonly uimageBuffer stb;
layout(set = 0, binding = 8) uniform IB { uvec4 v[2]; } inl;
layout(set = 1, binding = 0) buffer O { uvec4 o[16]; } outb;

void main()
{
   outb.o[0] = ubo[0].v;
   outb.o[1] = ubo[1].v;
   outb.o[2] = sa[0].v;
   outb.o[3] = sa[1].v;
   outb.o[4] = sa[2].v;
   outb.o[5] = sb[0].v;
   outb.o[6] = sb[1].v;
   outb.o[7] = ubod.v;
   outb.o[8] = ssbod.v;
   outb.o[9] = uvec4(texelFetch(utb[0], 0).x, texelFetch(utb[0], 1).x, texelFetch(utb[1], 0).x,
                     texelFetch(utb[1], 1).x);
   outb.o[10] = uvec4(imageLoad(stb, 0).x, imageLoad(stb, 1).x, imageLoad(stb, 2).x,
                      imageLoad(stb, 3).x);
   outb.o[11] = inl.v[0];
   outb.o[12] = inl.v[1];
}
