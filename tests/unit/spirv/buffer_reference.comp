#version 450
// SPDX-License-Identifier: MIT
// Memory through a buffer device address: no descriptor names it (tests/unit/test_spirv_reflect.c).
#extension GL_EXT_buffer_reference : require
layout(local_size_x = 64) in;

layout(buffer_reference, std430) buffer Ref { uint v[]; };
layout(push_constant) uniform Push { Ref target; } pc;
layout(set = 0, binding = 0) readonly buffer Src { uint v[]; } src;

void main()
{
   uint i = gl_GlobalInvocationID.x;
   pc.target.v[i] = src.v[i];
}
