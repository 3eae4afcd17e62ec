// SPDX-License-Identifier: MIT
// The soak's kernel (tests/integration/soak_ops.c): y[i] = y[i] * mul + (x[i] ^ mask) for i < n,
// in wrapping uint arithmetic, so that the host computes every result exactly (saxpy's floats
// could round differently on the host, or overflow, after thousands of random dispatches).
// A grid-stride loop: any group count covers any n.
#version 450

layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;
    uint mul;
    uint mask;
} params;

layout(set = 0, binding = 0, std430) readonly buffer X {
    uint x[];
};

layout(set = 0, binding = 1, std430) buffer Y {
    uint y[];
};

void main()
{
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < params.n; i += stride) {
        y[i] = y[i] * params.mul + (x[i] ^ params.mask);
    }
}
