#version 450
// SPDX-License-Identifier: MIT
// Arrays of descriptors (tests/unit/test_spirv_reflect.c).
#extension GL_EXT_nonuniform_qualifier : require
layout(local_size_x = 64) in;

layout(constant_id = 0) const int SPEC_COUNT = 3;

layout(set = 0, binding = 0) buffer In { float v[]; } ins[4];           // loaded only
layout(set = 0, binding = 1) buffer Out { float v[]; } outs[];          // runtime array, stored
layout(set = 0, binding = 2) uniform sampler2D texs[8];                 // texelFetch
layout(set = 0, binding = 3, rgba8) uniform image2D grid[6];            // stored
layout(set = 0, binding = 4) uniform sampler2D spec_texs[SPEC_COUNT];   // sized by a spec constant

void main()
{
   uint i = gl_GlobalInvocationID.x;
   float x = ins[i % 4].v[i] + texelFetch(texs[i % 8], ivec2(0), 0).x;
   x += texelFetch(spec_texs[i % SPEC_COUNT], ivec2(0), 0).x;
   outs[nonuniformEXT(i)].v[i] = x;
   imageStore(grid[i % 6], ivec2(i, 0), vec4(x));
}
