// SPDX-License-Identifier: MIT
// Benchmark SAXPY, out of place: out[i] = a * x[i] + y[i] for i < n. Applying it any number of
// times leaves the same output. The bulk moves as vec4 (16-byte loads and stores: what it takes
// to reach memory bandwidth); the last n % 4 elements go through scalar views of the same
// buffers. A grid-stride loop over a 1D grid, so any group count (hosts clamp it to
// maxComputeWorkGroupCount[0]) covers any n.
#version 450

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;
    float a;
} params;

layout(set = 0, binding = 0, std430) readonly buffer X4 { vec4 x4[]; };
layout(set = 0, binding = 1, std430) readonly buffer Y4 { vec4 y4[]; };
layout(set = 0, binding = 2, std430) writeonly buffer Out4 { vec4 o4[]; };
layout(set = 0, binding = 3, std430) readonly buffer X { float x[]; };
layout(set = 0, binding = 4, std430) readonly buffer Y { float y[]; };
layout(set = 0, binding = 5, std430) writeonly buffer Out { float o[]; };

void main()
{
    uint n4 = params.n / 4u;
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < n4; i += stride) {
        o4[i] = params.a * x4[i] + y4[i];
    }
    uint tail = gl_GlobalInvocationID.x;
    if (tail < params.n % 4u) {
        uint i = n4 * 4u + tail;
        o[i] = params.a * x[i] + y[i];
    }
}
