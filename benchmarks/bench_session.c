/* SPDX-License-Identifier: MIT */
#include "bench_session.h"

bool
bench_session_measure(struct bench_session *session, struct bench_row *row, bench_run_fn run,
                      void *const contexts[BENCH_SIDE_COUNT])
{
   VkResult result = bench_measure(&session->plan, &session->stats, run, contexts, &row->m);
   if (result != VK_SUCCESS) {
      bench_row_fail(row, "measurement failed: %s", kt_result_name(result));
      return false;
   }
   row->measured = true;
   row->status = BENCH_ROW_OK;
   bench_row_check_counters(row, session->options->expect_passthrough);
   return true;
}
