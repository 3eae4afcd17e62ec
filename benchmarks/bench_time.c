/* SPDX-License-Identifier: MIT */
#include "bench_time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t
clock_ns(clockid_t clock)
{
   struct timespec ts;
   if (clock_gettime(clock, &ts) != 0)
      return 0;
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
bench_wall_ns(void)
{
   return clock_ns(CLOCK_MONOTONIC);
}

uint64_t
bench_process_cpu_ns(void)
{
   return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static int
compare_doubles(const void *a, const void *b)
{
   double x = *(const double *)a, y = *(const double *)b;
   return (x > y) - (x < y);
}

double
bench_median(const double *values, size_t count)
{
   double sorted[64];
   double *copy = count <= 64 ? sorted : malloc(count * sizeof(*copy));
   if (!copy)
      return NAN;
   size_t n = 0;
   for (size_t i = 0; i < count; i++) {
      if (!isnan(values[i]))
         copy[n++] = values[i];
   }
   double median = NAN;
   if (n > 0) {
      qsort(copy, n, sizeof(*copy), compare_doubles);
      median = n % 2 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2.0;
   }
   if (copy != sorted)
      free(copy);
   return median;
}

void
bench_utc_date(char *out, size_t size)
{
   time_t now = time(NULL);
   struct tm utc;
   if (size == 0)
      return;
   if (!gmtime_r(&now, &utc) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
      out[0] = '\0';
}
