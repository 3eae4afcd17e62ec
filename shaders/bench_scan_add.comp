// SPDX-License-Identifier: MIT
// Inclusive prefix sum (uint32, wrapping), second half of a multi-pass scan: block b >= 1 of
// data (256 * P elements, P = params.per_thread, scanned on its own by bench_scan_block.comp)
// gets the inclusive scan of the block totals up to block b-1 added:
// data[i] += scanned_sums[b - 1]. Block 0 is already final. Blocks 1 .. blocks-1 are spread
// over a 2D grid and each group loops over them.
// Full blocks with P = 8 (the benchmark's) take an unrolled straight-line path.
#version 450
#extension GL_EXT_control_flow_attributes : require

#define THREADS 256u
#define FAST_PER_THREAD 8u

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;          // elements in data
    uint blocks;     // ceil(n / (256 * per_thread))
    uint per_thread; // elements per thread
} params;

layout(set = 0, binding = 0, std430) readonly buffer ScannedSums {
    uint scanned_sums[];
};

layout(set = 0, binding = 1, std430) buffer Data {
    uint data[];
};

void main()
{
    uint t = gl_LocalInvocationID.x;
    uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    uint groups = gl_NumWorkGroups.x * gl_NumWorkGroups.y;
    uint per_thread = params.per_thread;
    for (uint b = group + 1u; b < params.blocks; b += groups) {
        uint add = scanned_sums[b - 1u];
        uint base = b * THREADS * per_thread + t;
        if (per_thread == FAST_PER_THREAD && base + (FAST_PER_THREAD - 1u) * THREADS < params.n) {
            uint x[FAST_PER_THREAD];
            [[unroll]] for (uint j = 0u; j < FAST_PER_THREAD; j++)
                x[j] = data[base + j * THREADS];
            [[unroll]] for (uint j = 0u; j < FAST_PER_THREAD; j++)
                data[base + j * THREADS] = x[j] + add;
        } else {
            for (uint j = 0u; j < per_thread; j++) {
                uint i = base + j * THREADS;
                if (i < params.n)
                    data[i] += add;
            }
        }
    }
}
