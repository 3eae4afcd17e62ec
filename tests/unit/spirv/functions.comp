#version 450
// SPDX-License-Identifier: MIT
// Accesses through function calls, compiled without optimization so that the calls stay
// (tests/unit/test_spirv_reflect.c). GLSL passes buffer members to in/inout parameters by copy
// and images and samplers as pointers to the descriptor.
#extension GL_EXT_shader_image_load_formatted : require
layout(local_size_x = 64) in;

layout(set = 0, binding = 0) buffer A { float v[]; } a;        // read through an in parameter
layout(set = 0, binding = 1) buffer B { float v[]; } b;        // inout parameter: read, written
layout(set = 0, binding = 2) uniform image2D img_store;        // stored by a callee
layout(set = 0, binding = 3) uniform image2D img_load;         // loaded by a callee
layout(set = 0, binding = 4) uniform sampler2D tex;            // fetched by a callee of a callee
layout(set = 0, binding = 5) buffer C { float v[]; } c;        // written by a callee directly

float twice(in float x) { return 2.0 * x; }
void bump(inout float x) { x += 1.0; }
void put(image2D im, ivec2 p, vec4 value) { imageStore(im, p, value); }
vec4 get(image2D im, ivec2 p) { return imageLoad(im, p); }
vec4 fetch_inner(sampler2D s) { return texelFetch(s, ivec2(0), 0); }
vec4 fetch(sampler2D s) { return fetch_inner(s); }
void write_c(uint i, float x) { c.v[i] = x; }

void main()
{
   uint i = gl_GlobalInvocationID.x;
   float x = twice(a.v[i]);
   bump(b.v[i]);
   put(img_store, ivec2(i, 0), get(img_load, ivec2(i, 0)) + fetch(tex) + vec4(x));
   write_c(i, x);
}
