/* SPDX-License-Identifier: MIT */
/* The benchmark's workloads: real compute kernels with CPU references. The harness
 * (kronos-bench.c) creates a workload on a device, records it as an ordinary application
 * would (each dispatch followed by the barrier the next one needs), runs it, and asks the
 * workload to verify its output; the output bytes of the vendor run and the Kronos run must be
 * equal. */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <volk.h>

#include "kt.h"

struct bench_workload;

struct bench_workload_ops {
   const char *name; /* "saxpy", "reduce", "scan", "gemm", "gemm-coopmat" */
   /* NULL, or a function that says why the device cannot run the workload (NULL: it can); its
    * rows are then skipped with that reason. */
   const char *(*unsupported)(const struct kt_device *device);
   /* Buffers (device-local, with staging for upload and readback), pipelines and descriptor
    * sets for a problem whose input is about `input_bytes`. Inputs are filled from `seed`
    * deterministically, so that two devices given the same seed compute the same thing. */
   VkResult (*create)(const struct kt_device *device, size_t input_bytes, uint32_t seed,
                      struct bench_workload **out);
   /* Records one application of the workload into `cmd` (begun by the caller): its dispatch
    * or dispatches, each followed by the barrier the next command needs. Applying it any
    * number of times in a row leaves the same output (the kernels write out of place). */
   void (*record)(struct bench_workload *w, VkCommandBuffer cmd);
   /* How many vkCmdDispatch one `record` makes. */
   uint32_t (*dispatches_per_record)(const struct bench_workload *w);
   /* Copies the output back to the host (its own submit and wait) and checks it against the
    * CPU reference. On mismatch writes why into `why` and returns false. */
   bool (*verify)(struct bench_workload *w, char *why, size_t why_size);
   /* The output as read back by the last verify: compared byte for byte between devices. */
   const void *(*output)(const struct bench_workload *w, size_t *size);
   /* Bytes the kernel must read and write once, and floating-point operations, per record:
    * for bandwidth/FLOP rates in the report. */
   double (*bytes_per_record)(const struct bench_workload *w);
   double (*flops_per_record)(const struct bench_workload *w);
   void (*destroy)(struct bench_workload *w);
};

struct bench_dispatch_timer;
/* Has the workload bracket each dispatch it records with `timer`'s timestamps
 * (bench_dispatch_timer.h); NULL stops it. */
void bench_workload_time_dispatches(struct bench_workload *w, struct bench_dispatch_timer *timer);

/* Every workload, NULL-terminated. */
extern const struct bench_workload_ops *const bench_workloads[];

#endif
