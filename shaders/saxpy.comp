// SPDX-License-Identifier: MIT
// SAXPY: y[i] = a * x[i] + y[i] for i < n. A grid-stride loop, so any dispatch size covers any n
// (hosts may clamp the group count to maxComputeWorkGroupCount[0]).
#version 450

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;
    float a;
} params;

layout(set = 0, binding = 0, std430) readonly buffer X {
    float x[];
};

layout(set = 0, binding = 1, std430) buffer Y {
    float y[];
};

void main()
{
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < params.n; i += stride) {
        y[i] = params.a * x[i] + y[i];
    }
}
