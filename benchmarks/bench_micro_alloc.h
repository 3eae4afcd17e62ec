/* SPDX-License-Identifier: MIT */
/* Micro rows of allocation churn: vkCreateBuffer, vkAllocateMemory, vkBindBufferMemory,
 * vkDestroyBuffer and vkFreeMemory of 1 MiB device-local buffers, of 1 MiB host-visible ones
 * (mapped and unmapped too), and of 16 live buffers of mixed sizes freed out of order. */
#ifndef BENCH_MICRO_ALLOC_H
#define BENCH_MICRO_ALLOC_H

#include "bench_measure.h"

enum bench_alloc_kind {
   BENCH_ALLOC_DEVICE_1MIB, /* one at a time, device-local */
   BENCH_ALLOC_HOST_1MIB,   /* one at a time, host-visible and coherent, mapped and unmapped */
   BENCH_ALLOC_MIXED,       /* 16 live, mixed sizes, device-local, freed out of order */
};

#define BENCH_ALLOC_MIXED_COUNT 16

struct bench_alloc_context {
   const struct kt_device *device;
   enum bench_alloc_kind kind;
};

/* bench_run_fn: units are allocations. */
VkResult bench_alloc_run(void *context, uint32_t iterations, struct bench_sample *sample);

#endif
