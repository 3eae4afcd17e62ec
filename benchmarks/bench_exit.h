/* SPDX-License-Identifier: MIT */
/* kronos-bench's exit status. */
#ifndef BENCH_EXIT_H
#define BENCH_EXIT_H

enum bench_exit {
   BENCH_EXIT_PASS = 0,  /* every row ran and every check passed */
   BENCH_EXIT_FAIL = 1,  /* a verification, an output comparison, a counter check or a Vulkan call failed */
   BENCH_EXIT_SETUP = 2, /* usage error, or no vendor/Kronos device pair */
};

/* The most repetitions --reps accepts (bench_measure.h's BENCH_MAX_REPS). */
#define BENCH_MAX_REPS_OPTION 64

#endif
