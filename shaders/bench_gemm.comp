// SPDX-License-Identifier: MIT
// GEMM, fp32, row-major N x N: C = A * B. Tiled through shared memory: a group of 16 x 16
// threads computes a 64 x 64 tile of C, each thread a 4 x 4 register block (rows ty + 16 i,
// columns tx + 16 j, so stores are coalesced and shared reads conflict-free), stepping through
// k in slices of 16: the 64 x 16 slice of A (stored transposed, padded) and the 16 x 64 slice of
// B are staged in shared memory. Every C element is accumulated in increasing k, one product at
// a time (the compiler may fuse multiply and add). Elements outside the matrices read as 0, so
// any N works. Tiles are spread over a 2D grid and each group loops over tiles (uniform bound),
// so any grid the host's maxComputeWorkGroupCount allows covers any N.
#version 450

#define TILE 64u
#define BK 16u
#define THREADS 256u

layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint n;       // matrix order
    uint tiles_x; // ceil(n / 64)
} params;

layout(set = 0, binding = 0, std430) readonly buffer A {
    float a[];
};

layout(set = 0, binding = 1, std430) readonly buffer B {
    float b[];
};

layout(set = 0, binding = 2, std430) writeonly buffer C {
    float c[];
};

shared float as[BK][TILE + 1u]; // as[k][row]
shared float bs[BK][TILE];      // bs[k][col]

void main()
{
    uint n = params.n;
    uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    uint l = ty * 16u + tx;
    uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    uint groups = gl_NumWorkGroups.x * gl_NumWorkGroups.y;
    uint tiles = params.tiles_x * params.tiles_x;
    for (uint tile = group; tile < tiles; tile += groups) {
        uint row0 = (tile / params.tiles_x) * TILE;
        uint col0 = (tile % params.tiles_x) * TILE;
        float acc[4][4];
        for (uint i = 0u; i < 4u; i++)
            for (uint j = 0u; j < 4u; j++)
                acc[i][j] = 0.0;

        for (uint k0 = 0u; k0 < n; k0 += BK) {
            for (uint q = 0u; q < 4u; q++) {
                uint e = l + q * THREADS;
                // A: 64 rows x 16 k, consecutive threads read consecutive k of one row.
                uint ar = e / BK, ak = e % BK;
                uint grow = row0 + ar, gk = k0 + ak;
                as[ak][ar] = grow < n && gk < n ? a[grow * n + gk] : 0.0;
                // B: 16 k x 64 columns, consecutive threads read consecutive columns.
                uint bk = e / TILE, bc = e % TILE;
                uint gbk = k0 + bk, gcol = col0 + bc;
                bs[bk][bc] = gbk < n && gcol < n ? b[gbk * n + gcol] : 0.0;
            }
            barrier();
            for (uint k = 0u; k < BK; k++) {
                float av[4], bv[4];
                for (uint i = 0u; i < 4u; i++)
                    av[i] = as[k][ty + 16u * i];
                for (uint j = 0u; j < 4u; j++)
                    bv[j] = bs[k][tx + 16u * j];
                for (uint i = 0u; i < 4u; i++)
                    for (uint j = 0u; j < 4u; j++)
                        acc[i][j] += av[i] * bv[j];
            }
            barrier();
        }

        for (uint i = 0u; i < 4u; i++) {
            uint r = row0 + ty + 16u * i;
            for (uint j = 0u; j < 4u; j++) {
                uint col = col0 + tx + 16u * j;
                if (r < n && col < n)
                    c[r * n + col] = acc[i][j];
            }
        }
    }
}
