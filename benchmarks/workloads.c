/* SPDX-License-Identifier: MIT */
/* The benchmark's workloads, in report order. */
#include "bench_workload.h"
#include "workload_common.h"

const struct bench_workload_ops *const bench_workloads[] = {
   &bench_workload_saxpy,
   &bench_workload_reduce,
   &bench_workload_scan,
   &bench_workload_gemm,
   &bench_workload_gemm_coopmat,
   NULL,
};

void
bench_workload_time_dispatches(struct bench_workload *w, struct bench_dispatch_timer *timer)
{
   w->timer = timer;
}
