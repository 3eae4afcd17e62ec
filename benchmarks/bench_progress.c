/* SPDX-License-Identifier: MIT */
#include "bench_session.h"

#include <math.h>
#include <stdio.h>

void
bench_progress_begin(struct bench_session *session, const struct bench_row *row)
{
   char batch[32] = "";
   if (row->batch)
      snprintf(batch, sizeof(batch), " x%u", row->batch);
   fprintf(stderr, "[%2u/%u] %-20s %-8s%-6s ... ", ++session->rows_started, session->rows_total,
           row->name, row->size_label, batch);
   fflush(stderr);
}

void
bench_progress_end(const struct bench_session *session, const struct bench_row *row)
{
   (void)session;
   switch (row->status) {
   case BENCH_ROW_SKIPPED:
      fprintf(stderr, "skipped: %s\n", row->message);
      return;
   case BENCH_ROW_FAILED:
      fprintf(stderr, "FAILED: %s\n", row->message);
      return;
   case BENCH_ROW_OK:
      break;
   }
   const struct bench_figures *direct = &row->m.side[BENCH_DIRECT].median;
   const struct bench_figures *kronos = &row->m.side[BENCH_KRONOS].median;
   fprintf(stderr, "direct %.3f us, kronos %.3f us per %s, x%.3f", direct->wall_us,
           kronos->wall_us, row->unit, bench_ratio(kronos->wall_us, direct->wall_us));
   if (row->counters_check == BENCH_CHECK_FAILED)
      fprintf(stderr, "; COUNTERS: %s", row->counters_why);
   if (row->verify == BENCH_CHECK_FAILED || row->outputs_equal == BENCH_CHECK_FAILED)
      fprintf(stderr, "; OUTPUT: %s", row->verify_why);
   fprintf(stderr, "\n");
}
