// SPDX-License-Identifier: MIT
// One pass of a deterministic float sum. With P = params.per_thread, block b (256 P elements,
// src[256 P b ...], elements at or past n read as 0.0) is reduced to dst[b] by a fixed tree,
// which the host reference (benchmarks/workload_reduce.c) reproduces exactly:
//   v[t] = src[256 P b + t]; then v[t] = v[t] + src[256 P b + 256 j + t] for j = 1 .. P-1
//   s[t] = v[t]                                       for t in 0..255
//   for h = 128, 64, ..., 1:  s[t] = s[t] + s[t + h]   for t < h
//   dst[b] = s[0]
// Only additions, each of two floats (commutative in IEEE 754), so no reassociation or
// contraction can change a result. Passes repeat on the host until one value is left.
// Blocks are spread over a 2D grid (gl_NumWorkGroups.x * y groups) and each group loops over
// blocks, so any grid the host's maxComputeWorkGroupCount allows covers any block count. The loop
// bound is uniform across the group, so the barriers are in uniform control flow.
// Full blocks with P = 16 (the benchmark's) take a straight-line path: the 16 loads are issued
// together, then added in the same order.
#version 450
#extension GL_EXT_control_flow_attributes : require

#define THREADS 256u
#define FAST_PER_THREAD 16u

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;          // elements in src
    uint blocks;     // ceil(n / (256 * per_thread)): elements written to dst
    uint per_thread; // elements each thread adds before the tree (>= 1)
} params;

layout(set = 0, binding = 0, std430) readonly buffer Src {
    float src[];
};

layout(set = 0, binding = 1, std430) writeonly buffer Dst {
    float dst[];
};

shared float s[THREADS];

void main()
{
    uint t = gl_LocalInvocationID.x;
    uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    uint groups = gl_NumWorkGroups.x * gl_NumWorkGroups.y;
    uint per_thread = params.per_thread;
    uint n = params.n;
    for (uint b = group; b < params.blocks; b += groups) {
        uint first = b * THREADS * per_thread + t;
        float v;
        if (per_thread == FAST_PER_THREAD && first + (FAST_PER_THREAD - 1u) * THREADS < n) {
            float x[FAST_PER_THREAD];
            [[unroll]] for (uint j = 0u; j < FAST_PER_THREAD; j++)
                x[j] = src[first + j * THREADS];
            v = x[0];
            [[unroll]] for (uint j = 1u; j < FAST_PER_THREAD; j++)
                v = v + x[j];
        } else {
            v = first < n ? src[first] : 0.0;
            for (uint j = 1u; j < per_thread; j++) {
                uint i = first + j * THREADS;
                v = v + (i < n ? src[i] : 0.0);
            }
        }
        s[t] = v;
        barrier();
        for (uint h = THREADS / 2u; h > 0u; h >>= 1) {
            if (t < h)
                s[t] = s[t] + s[t + h];
            barrier();
        }
        if (t == 0u)
            dst[b] = s[0];
        barrier(); // s[0] is read before the next block overwrites s
    }
}
