// SPDX-License-Identifier: MIT
// Inclusive prefix sum (uint32, wrapping), first half of a multi-pass scan: each block of
// 256 * P elements of src (P = params.per_thread, at most 8) is scanned on its own into dst,
// and, when params.write_sums is set, the block's total goes to sums[block]. The host scans the
// block sums the same way (recursively, until one block is left) and bench_scan_add.comp adds
// each block's exclusive prefix back. Integer addition is associative, so the result is exact
// whatever the order.
//
// Per block: 256 threads, thread t owns elements P t .. P t + P - 1. Loads and stores are
// coalesced through shared memory (padded one word in 32 against bank conflicts); each thread
// scans its P elements, the 256 thread totals are scanned with a Hillis-Steele scan, and each
// thread adds its exclusive prefix. Blocks are spread over a 2D grid and each group loops over
// blocks (uniform bound), so any grid the host's maxComputeWorkGroupCount allows covers any
// block count.
// Full blocks with P = 8 (the benchmark's) load and store through unrolled straight-line loops.
#version 450
#extension GL_EXT_control_flow_attributes : require

#define THREADS 256u
#define MAX_PER_THREAD 8u
#define PAD(i) ((i) + ((i) >> 5))

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;          // elements in src and dst
    uint blocks;     // ceil(n / (256 * per_thread))
    uint write_sums; // nonzero: write each block's total to sums[block]
    uint per_thread; // elements per thread, 1 to 8
} params;

layout(set = 0, binding = 0, std430) readonly buffer Src {
    uint src[];
};

layout(set = 0, binding = 1, std430) writeonly buffer Dst {
    uint dst[];
};

layout(set = 0, binding = 2, std430) writeonly buffer Sums {
    uint sums[];
};

shared uint data[PAD(THREADS * MAX_PER_THREAD)];
shared uint totals[THREADS];

void main()
{
    uint t = gl_LocalInvocationID.x;
    uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    uint groups = gl_NumWorkGroups.x * gl_NumWorkGroups.y;
    uint per_thread = params.per_thread;
    uint n = params.n;
    for (uint b = group; b < params.blocks; b += groups) {
        uint base = b * THREADS * per_thread;
        bool fast = per_thread == MAX_PER_THREAD && base + THREADS * MAX_PER_THREAD <= n;
        if (fast) {
            uint x[MAX_PER_THREAD];
            [[unroll]] for (uint j = 0u; j < MAX_PER_THREAD; j++)
                x[j] = src[base + j * THREADS + t];
            [[unroll]] for (uint j = 0u; j < MAX_PER_THREAD; j++)
                data[PAD(j * THREADS + t)] = x[j];
        } else {
            for (uint j = 0u; j < per_thread; j++) {
                uint e = j * THREADS + t;
                data[PAD(e)] = base + e < n ? src[base + e] : 0u;
            }
        }
        barrier();

        uint own = t * per_thread;
        uint sum = 0u;
        for (uint j = 0u; j < per_thread; j++) {
            sum += data[PAD(own + j)];
            data[PAD(own + j)] = sum; // the thread's own inclusive scan
        }
        totals[t] = sum;
        barrier();
        for (uint offset = 1u; offset < THREADS; offset <<= 1) {
            uint add = t >= offset ? totals[t - offset] : 0u;
            barrier();
            totals[t] += add;
            barrier();
        }
        uint before = totals[t] - sum; // exclusive prefix of this thread's elements
        for (uint j = 0u; j < per_thread; j++)
            data[PAD(own + j)] += before;
        barrier();

        if (fast) {
            [[unroll]] for (uint j = 0u; j < MAX_PER_THREAD; j++)
                dst[base + j * THREADS + t] = data[PAD(j * THREADS + t)];
        } else {
            for (uint j = 0u; j < per_thread; j++) {
                uint e = j * THREADS + t;
                if (base + e < n)
                    dst[base + e] = data[PAD(e)];
            }
        }
        if (params.write_sums != 0u && t == THREADS - 1u)
            sums[b] = totals[THREADS - 1u];
        barrier(); // data and totals are read before the next block overwrites them
    }
}
