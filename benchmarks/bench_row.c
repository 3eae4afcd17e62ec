/* SPDX-License-Identifier: MIT */
#include "bench_row.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_row *
bench_results_add(struct bench_results *results, const char *group, const char *name)
{
   if (results->count == results->capacity) {
      size_t capacity = results->capacity ? results->capacity * 2 : 32;
      struct bench_row *rows = realloc(results->rows, capacity * sizeof(*rows));
      if (!rows) {
         kt_error("out of memory for %zu result rows", capacity);
         return NULL;
      }
      results->rows = rows;
      results->capacity = capacity;
   }
   struct bench_row *row = &results->rows[results->count++];
   memset(row, 0, sizeof(*row));
   snprintf(row->group, sizeof(row->group), "%s", group);
   snprintf(row->name, sizeof(row->name), "%s", name);
   snprintf(row->size_label, sizeof(row->size_label), "-");
   row->unit = "dispatch";
   row->counters_check = BENCH_CHECK_NA;
   row->verify = BENCH_CHECK_NA;
   row->outputs_equal = BENCH_CHECK_NA;
   return row;
}

void
bench_results_free(struct bench_results *results)
{
   free(results->rows);
   results->rows = NULL;
   results->count = results->capacity = 0;
}

void
bench_row_check_counters(struct bench_row *row, unsigned passthrough)
{
   bench_stats_figures(&row->m.delta, &row->counters);
   bool ok = bench_stats_check(&row->m.delta, &row->m.did, passthrough, row->counters_why,
                               sizeof(row->counters_why));
   if (row->barrier_expect.known)
      ok &= bench_stats_check_barriers(&row->m.delta, &row->barrier_expect, passthrough,
                                       row->counters_why, sizeof(row->counters_why));
   row->counters_check = ok ? BENCH_CHECK_PASSED : BENCH_CHECK_FAILED;
}

bool
bench_row_passed(const struct bench_row *row)
{
   if (row->status == BENCH_ROW_SKIPPED)
      return true;
   return row->status == BENCH_ROW_OK && row->counters_check != BENCH_CHECK_FAILED &&
          row->verify != BENCH_CHECK_FAILED && row->outputs_equal != BENCH_CHECK_FAILED;
}

void
bench_row_fail(struct bench_row *row, const char *format, ...)
{
   va_list args;
   va_start(args, format);
   row->status = BENCH_ROW_FAILED;
   vsnprintf(row->message, sizeof(row->message), format, args);
   va_end(args);
}

static double
rate(const struct bench_row *row, enum bench_side side, double per_unit)
{
   if (!row->measured || !(per_unit > 0.0))
      return NAN;
   const struct bench_figures *median = &row->m.side[side].median;
   double us = !isnan(median->gpu_us) ? median->gpu_us : median->wall_us;
   return us > 0.0 ? per_unit / us / 1e3 : NAN;
}

double
bench_row_gbps(const struct bench_row *row, enum bench_side side)
{
   return rate(row, side, row->bytes_per_unit);
}

double
bench_row_gflops(const struct bench_row *row, enum bench_side side)
{
   return rate(row, side, row->flops_per_unit);
}

const char *
bench_check_name(enum bench_check check)
{
   switch (check) {
   case BENCH_CHECK_PASSED:
      return "passed";
   case BENCH_CHECK_FAILED:
      return "failed";
   case BENCH_CHECK_NA:
      break;
   }
   return NULL;
}
