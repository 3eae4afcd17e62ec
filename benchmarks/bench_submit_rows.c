/* SPDX-License-Identifier: MIT */
#include "bench_submit_rows.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bench_micro_submit.h"
#include "bench_submit_device.h"

struct submit_row {
   const char *name;
   const char *unit;
   enum bench_submit_row variant;
};

static const struct submit_row submit_rows[] = {
   {"submit-fences", "iteration", BENCH_SUBMIT_FENCES},
   {"submit-nofence", "iteration", BENCH_SUBMIT_NOFENCE},
   {"roundtrip-fence", "round trip", BENCH_SUBMIT_ROUNDTRIP_FENCE},
   {"roundtrip-timeline", "round trip", BENCH_SUBMIT_ROUNDTRIP_TIMELINE},
   {"unobserved-latency", "round trip", BENCH_SUBMIT_UNOBSERVED_LATENCY},
   {"unobserved-busy", "round trip", BENCH_SUBMIT_UNOBSERVED_BUSY},
};
#define SUBMIT_ROW_COUNT (sizeof(submit_rows) / sizeof(submit_rows[0]))

bool
bench_is_submit_row(const char *name)
{
   for (size_t i = 0; i < SUBMIT_ROW_COUNT; i++) {
      if (strcasecmp(submit_rows[i].name, name) == 0)
         return true;
   }
   return false;
}

uint32_t
bench_submit_row_count(const struct bench_options *options)
{
   uint32_t count = 0;
   for (size_t i = 0; i < SUBMIT_ROW_COUNT; i++)
      count += bench_options_selects(options, BENCH_SUBMIT_GROUP, submit_rows[i].name);
   return count;
}

/* The group's devices, statistics and contexts, in `group` (a copy of the session with its own
 * devices). Failures are reported. */
static VkResult
setup(const struct bench_session *session, struct bench_session *group,
      struct bench_submit contexts[BENCH_SIDE_COUNT])
{
   bool timeline[BENCH_SIDE_COUNT];
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      VkResult result = bench_submit_device_create(session->devices[s].physical,
                                                   &group->devices[s], &timeline[s]);
      if (result != VK_SUCCESS)
         return result;
   }
   VkResult result = bench_stats_init(&group->devices[BENCH_KRONOS], &group->stats);
   if (result != VK_SUCCESS)
      return result;
   bool both = timeline[BENCH_DIRECT] && timeline[BENCH_KRONOS];
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      result = bench_submit_create(&group->devices[s], session->options->submit_count,
                                   session->options->submit_barriers, both, &contexts[s]);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

static void
teardown(struct bench_session *group, struct bench_submit contexts[BENCH_SIDE_COUNT])
{
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      bench_submit_destroy(&contexts[s]);
   kt_device_destroy(&group->devices[BENCH_KRONOS]);
   kt_device_destroy(&group->devices[BENCH_DIRECT]);
}

static void
run_row(struct bench_session *group, const struct submit_row *spec,
        struct bench_submit contexts[BENCH_SIDE_COUNT], struct bench_row *row)
{
   if (spec->variant == BENCH_SUBMIT_ROUNDTRIP_TIMELINE &&
       contexts[BENCH_DIRECT].timeline == VK_NULL_HANDLE) {
      row->status = BENCH_ROW_SKIPPED;
      snprintf(row->message, sizeof(row->message),
               "a device lacks the timelineSemaphore feature");
      return;
   }
   if (spec->variant == BENCH_SUBMIT_UNOBSERVED_BUSY &&
       contexts[BENCH_DIRECT].count <= BENCH_SUBMIT_BUSY_AHEAD) {
      row->status = BENCH_ROW_SKIPPED;
      snprintf(row->message, sizeof(row->message), "needs --submits above %u",
               BENCH_SUBMIT_BUSY_AHEAD);
      return;
   }
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      VkResult result = bench_submit_reset(&contexts[s], spec->variant);
      if (result != VK_SUCCESS) {
         bench_row_fail(row, "waiting for the queue failed: %s", kt_result_name(result));
         return;
      }
   }
   void *const pointers[BENCH_SIDE_COUNT] = {&contexts[0], &contexts[1]};
   if (!bench_session_measure(group, row, bench_submit_run, pointers))
      return;
   row->verify = BENCH_CHECK_PASSED;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT && row->verify == BENCH_CHECK_PASSED; s++) {
      if (!bench_submit_verify(&contexts[s], row->verify_why, sizeof(row->verify_why)))
         row->verify = BENCH_CHECK_FAILED;
   }
   /* Both sides ran the same iterations, so their words must be equal too. */
   row->outputs_equal = contexts[0].runs == contexts[1].runs &&
                              memcmp(contexts[0].words.map, contexts[1].words.map,
                                     contexts[0].count * sizeof(uint32_t)) == 0
                           ? BENCH_CHECK_PASSED
                           : BENCH_CHECK_FAILED;
   if (row->outputs_equal == BENCH_CHECK_FAILED && row->verify == BENCH_CHECK_PASSED)
      snprintf(row->verify_why, sizeof(row->verify_why), "the direct and Kronos words differ");
}

bool
bench_run_submit_rows(struct bench_session *session)
{
   if (bench_submit_row_count(session->options) == 0)
      return true;
   struct bench_session group = *session;
   struct bench_submit contexts[BENCH_SIDE_COUNT];
   memset(group.devices, 0, sizeof(group.devices));
   memset(contexts, 0, sizeof(contexts));
   VkResult ready = setup(session, &group, contexts);
   bool ok = true;

   for (size_t i = 0; i < SUBMIT_ROW_COUNT && ok; i++) {
      const struct submit_row *spec = &submit_rows[i];
      if (!bench_options_selects(session->options, BENCH_SUBMIT_GROUP, spec->name))
         continue;
      struct bench_row *row = bench_results_add(session->results, BENCH_SUBMIT_GROUP,
                                                spec->name);
      if (!row) {
         ok = false;
         break;
      }
      row->unit = spec->unit;
      row->submits_per_unit = session->options->submit_count;
      if (spec->variant != BENCH_SUBMIT_FENCES && spec->variant != BENCH_SUBMIT_NOFENCE)
         row->submits_per_unit = 1;
      if (row->submits_per_unit > 1)
         snprintf(row->size_label, sizeof(row->size_label), "N=%u", row->submits_per_unit);
      bench_progress_begin(session, row);
      if (ready != VK_SUCCESS)
         bench_row_fail(row, "setting up the submit rows failed: %s", kt_result_name(ready));
      else
         run_row(&group, spec, contexts, row);
      bench_progress_end(session, row);
   }
   teardown(&group, contexts);
   return ok;
}
