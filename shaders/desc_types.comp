// SPDX-License-Identifier: MIT
#version 450
// tests/integration/descriptors.c: reads every kind of descriptor a compute shader can use and
// writes what it read, one word after another, to o[base ...] (types_expect in descriptors.c
// computes the same words in the same order). Set 0 can also be pushed (VK_KHR_push_descriptor);
// set 1 holds the dynamic buffers and a block that the test declares as an inline uniform
// block (a uniform buffer where the device has none: the shader cannot tell).
layout(local_size_x = 1) in;

layout(push_constant) uniform Push { uint base; } pc;

layout(set = 0, binding = 0, std430) writeonly buffer Out { uint o[]; };
layout(set = 0, binding = 1, std430) readonly buffer SA { uint d[]; } sa[2];
layout(set = 0, binding = 2, std430) readonly buffer SB { uint d[]; } sb[3];
layout(set = 0, binding = 3, std140) uniform UA { uvec4 v[4]; } ua;
layout(set = 0, binding = 4) uniform usamplerBuffer utb;
layout(set = 0, binding = 5, r32ui) readonly uniform uimageBuffer stb;
layout(set = 0, binding = 6, r32ui) readonly uniform uimage2D simg;
layout(set = 0, binding = 7) uniform utexture2D tex[2];
layout(set = 0, binding = 8) uniform sampler samp[2];
layout(set = 0, binding = 9) uniform usampler2D cis[2];
layout(set = 0, binding = 10) uniform usampler2D cis_fixed; // immutable sampler
layout(set = 0, binding = 11) uniform sampler samp_fixed;   // immutable sampler

layout(set = 1, binding = 0, std430) readonly buffer DS { uint d[]; } ds;
layout(set = 1, binding = 1, std140) uniform DU { uvec4 v[2]; } du;
layout(set = 1, binding = 2, std140) uniform IB { uvec4 v[4]; } ib;

// Texel centres outside [0, 1] on x: the sampler's address mode decides which texel is read.
const vec2 P = vec2(1.375, 0.375);
const vec2 Q = vec2(-0.375, 0.625);

uint n = 0;

void put(uint v)
{
   o[pc.base + n] = v;
   n++;
}

void put4(uvec4 v)
{
   put(v.x);
   put(v.y);
   put(v.z);
   put(v.w);
}

void main()
{
   uint len;
   len = uint(sa[0].d.length()); put(len); put(sa[0].d[0]); put(sa[0].d[len - 1]);
   len = uint(sa[1].d.length()); put(len); put(sa[1].d[0]); put(sa[1].d[len - 1]);
   len = uint(sb[0].d.length()); put(len); put(sb[0].d[0]); put(sb[0].d[len - 1]);
   len = uint(sb[1].d.length()); put(len); put(sb[1].d[0]); put(sb[1].d[len - 1]);
   len = uint(sb[2].d.length()); put(len); put(sb[2].d[0]); put(sb[2].d[len - 1]);
   put4(ua.v[0]); put4(ua.v[1]); put4(ua.v[2]); put4(ua.v[3]);

   int size = textureSize(utb);
   put(uint(size)); put(texelFetch(utb, 0).x); put(texelFetch(utb, size - 1).x);
   size = imageSize(stb);
   put(uint(size)); put(imageLoad(stb, 0).x); put(imageLoad(stb, size - 1).x);
   ivec2 extent = imageSize(simg);
   put(uint(extent.x)); put(uint(extent.y));
   put(imageLoad(simg, ivec2(1, 2)).x); put(imageLoad(simg, extent - 1).x);

   put(texelFetch(usampler2D(tex[0], samp[0]), ivec2(2, 1), 0).x);
   put(texelFetch(usampler2D(tex[1], samp[0]), ivec2(2, 1), 0).x);
   put(textureLod(usampler2D(tex[0], samp[0]), P, 0.0).x);
   put(textureLod(usampler2D(tex[0], samp[0]), Q, 0.0).x);
   put(textureLod(usampler2D(tex[0], samp[1]), P, 0.0).x);
   put(textureLod(usampler2D(tex[0], samp[1]), Q, 0.0).x);
   put(texelFetch(cis[0], ivec2(3, 3), 0).x);
   put(textureLod(cis[0], P, 0.0).x);
   put(textureLod(cis[0], Q, 0.0).x);
   put(texelFetch(cis[1], ivec2(3, 3), 0).x);
   put(textureLod(cis[1], P, 0.0).x);
   put(textureLod(cis[1], Q, 0.0).x);
   put(textureLod(cis_fixed, P, 0.0).x);
   put(textureLod(cis_fixed, Q, 0.0).x);
   put(textureLod(usampler2D(tex[1], samp_fixed), P, 0.0).x);
   put(textureLod(usampler2D(tex[1], samp_fixed), Q, 0.0).x);

   len = uint(ds.d.length()); put(len); put(ds.d[0]); put(ds.d[len - 1]);
   put4(du.v[0]); put4(du.v[1]);
   put4(ib.v[0]); put4(ib.v[1]); put4(ib.v[2]); put4(ib.v[3]);
}
