#version 450
// SPDX-License-Identifier: MIT
// Image and sampler accesses (tests/unit/test_spirv_reflect.c).
layout(local_size_x = 8, local_size_y = 8) in;

layout(set = 0, binding = 0, rgba8) uniform image2D img_in;            // imageLoad only
layout(set = 0, binding = 1, rgba8) uniform image2D img_out;           // imageStore only
layout(set = 0, binding = 2, r32ui) uniform uimage2D img_atomic;       // imageAtomicAdd
layout(set = 0, binding = 3) uniform sampler2D tex;                    // texelFetch
layout(set = 0, binding = 4) uniform texture2D tex_separate;           // sampled with smp
layout(set = 0, binding = 5) uniform sampler smp;
layout(set = 0, binding = 6) uniform samplerBuffer uniform_texels;     // texelFetch
layout(set = 0, binding = 7, r32f) uniform imageBuffer storage_texels; // imageStore
layout(set = 0, binding = 8, rgba8) uniform image2D img_size;          // imageSize only
layout(set = 0, binding = 9, rgba8) readonly uniform image2D img_ro;   // readonly, imageLoad
layout(set = 0, binding = 10, rgba8) writeonly uniform image2D img_wo; // writeonly, imageStore

void main()
{
   ivec2 p = ivec2(gl_GlobalInvocationID.xy);
   vec4 a = imageLoad(img_in, p) + imageLoad(img_ro, p);
   vec4 b = texelFetch(tex, p, 0) + textureLod(sampler2D(tex_separate, smp), vec2(p) / 8.0, 0.0);
   float c = texelFetch(uniform_texels, p.x).x;
   ivec2 size = imageSize(img_size);
   imageAtomicAdd(img_atomic, p, 1u);
   imageStore(img_out, p, a + b);
   imageStore(img_wo, p, vec4(size, 0, 0));
   imageStore(storage_texels, p.x, vec4(c));
}
