// SPDX-License-Identifier: MIT
#version 450
// tests/integration/descriptor_regressions.c: samples through two combined image samplers and
// a sampled image with a separate sampler, at a point where filtering and addressing show
// (which sampler a descriptor holds: immutable or written), and loads a storage image texel.
layout(local_size_x = 1) in;

layout(set = 0, binding = 0) uniform sampler2D cis[2];
layout(set = 0, binding = 1) uniform texture2D tex;
layout(set = 0, binding = 2) uniform sampler smp;
layout(set = 0, binding = 3, rgba8ui) uniform readonly uimage2D simg;
layout(set = 1, binding = 0) buffer O { vec4 o[8]; uvec4 u[8]; } outb;

void main()
{
   vec2 p = vec2(1.30, -0.40);
   outb.o[0] = textureLod(cis[0], p, 0.0);
   outb.o[1] = textureLod(cis[1], p, 0.0);
   outb.o[2] = textureLod(sampler2D(tex, smp), p, 0.0);
   outb.u[0] = imageLoad(simg, ivec2(1, 2));
}
