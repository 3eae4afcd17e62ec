/* SPDX-License-Identifier: MIT */
#include "bench_workload_rows.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bench_cmd.h"
#include "bench_dispatch_timer.h"
#include "bench_time.h"
#include "bench_workload.h"

#define GROUP "workloads"

/* One side of a row: its command buffer and its instance of the workload. */
struct workload_side {
   struct bench_cmd cmd;
   struct bench_dispatch_timer timer; /* --dispatch-timestamps; zeroed without */
   const struct bench_workload_ops *ops;
   struct bench_workload *workload;
   uint32_t batch;
   uint32_t dispatches_per_record;
};

static VkResult
run_workload(void *context, uint32_t iterations, struct bench_sample *sample)
{
   struct workload_side *side = context;
   for (uint32_t i = 0; i < iterations; i++) {
      uint64_t start = bench_wall_ns();
      VkResult result = bench_cmd_begin(&side->cmd);
      if (result != VK_SUCCESS)
         return result;
      if (side->timer.pool != VK_NULL_HANDLE)
         bench_dispatch_timer_begin_recording(&side->timer, side->cmd.cmd);
      for (uint32_t b = 0; b < side->batch; b++)
         side->ops->record(side->workload, side->cmd.cmd);
      result = bench_cmd_end(&side->cmd);
      if (result != VK_SUCCESS)
         return result;
      sample->record_ns += (double)(bench_wall_ns() - start);

      double submit_ns, gpu_ns;
      result = bench_cmd_submit(&side->cmd, &submit_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->submit_ns += submit_ns;
      result = bench_cmd_wait(&side->cmd, &gpu_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->gpu_ns += gpu_ns;
      if (side->timer.pool != VK_NULL_HANDLE) {
         double dispatch_ns;
         result = bench_dispatch_timer_read(&side->timer, &dispatch_ns);
         if (result != VK_SUCCESS)
            return result;
         sample->dispatch_gpu_ns = (isnan(sample->dispatch_gpu_ns) ? 0.0 : sample->dispatch_gpu_ns) +
                                   dispatch_ns;
      }

      uint64_t dispatches = (uint64_t)side->batch * side->dispatches_per_record;
      sample->units += dispatches;
      sample->submits++;
      const struct bench_did did = {
         .submits = 1,
         .barriers = BENCH_COUNT_POSITIVE, /* the workload's own: at least one */
         .dispatches = dispatches,
      };
      bench_did_add(&sample->did, &did);
   }
   return VK_SUCCESS;
}

bool
bench_is_workload(const char *name)
{
   for (const struct bench_workload_ops *const *ops = bench_workloads; *ops; ops++) {
      if (strcasecmp((*ops)->name, name) == 0)
         return true;
   }
   return false;
}

uint32_t
bench_workload_row_count(const struct bench_options *options)
{
   uint32_t count = 0;
   for (const struct bench_workload_ops *const *ops = bench_workloads; *ops; ops++) {
      if (bench_options_selects(options, GROUP, (*ops)->name))
         count += options->size_count * options->batch_count;
   }
   return count;
}

/* Verifies both sides and compares their outputs; the verdict goes to rows[0..count). */
static void
verify_sides(struct workload_side sides[BENCH_SIDE_COUNT], struct bench_row *rows,
             uint32_t count)
{
   static const char *const labels[BENCH_SIDE_COUNT] = {"direct", "kronos"};
   char why[BENCH_SIDE_COUNT][256] = {"", ""};
   enum bench_check verify = BENCH_CHECK_PASSED, equal = BENCH_CHECK_NA;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      if (!sides[s].ops->verify(sides[s].workload, why[s], sizeof(why[s])))
         verify = BENCH_CHECK_FAILED;
   }
   size_t sizes[BENCH_SIDE_COUNT];
   const void *outputs[BENCH_SIDE_COUNT];
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      outputs[s] = sides[s].ops->output(sides[s].workload, &sizes[s]);
   if (outputs[0] && outputs[1]) {
      equal = sizes[0] == sizes[1] && memcmp(outputs[0], outputs[1], sizes[0]) == 0
                 ? BENCH_CHECK_PASSED
                 : BENCH_CHECK_FAILED;
   }
   char message[512] = "";
   size_t used = 0;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT && used < sizeof(message); s++) {
      if (why[s][0])
         used += (size_t)snprintf(message + used, sizeof(message) - used, "%s%s: %s",
                                  used ? "; " : "", labels[s], why[s]);
   }
   if (equal == BENCH_CHECK_FAILED && used < sizeof(message))
      snprintf(message + used, sizeof(message) - used, "%sthe direct and Kronos outputs differ",
               used ? "; " : "");
   for (uint32_t i = 0; i < count; i++) {
      if (rows[i].status == BENCH_ROW_SKIPPED)
         continue;
      rows[i].verify = verify;
      rows[i].outputs_equal = equal;
      snprintf(rows[i].verify_why, sizeof(rows[i].verify_why), "%s", message);
   }
   fprintf(stderr, "       %s %s: reference %s, outputs %s%s%s\n", rows[0].name,
           rows[0].size_label, verify == BENCH_CHECK_PASSED ? "ok on both" : "FAILED",
           equal == BENCH_CHECK_PASSED ? "identical" : equal == BENCH_CHECK_NA ? "n/a" : "DIFFER",
           message[0] ? ": " : "", message);
}

/* What one application cost at the last size measured, to estimate the next size's cost. */
struct cost_hint {
   double record_ns; /* wall time of one application, slower side; 0: unknown */
   double bytes, flops;
};

/* One application's cost at a size of `bytes` and `flops`, scaled from the hint (0: unknown). */
static double
scaled_estimate(const struct cost_hint *hint, double bytes, double flops)
{
   if (!(hint->record_ns > 0.0))
      return 0.0;
   double scale = 1.0;
   if (hint->bytes > 0.0 && bytes / hint->bytes > scale)
      scale = bytes / hint->bytes;
   if (hint->flops > 0.0 && flops / hint->flops > scale)
      scale = flops / hint->flops;
   return hint->record_ns * scale;
}

/* Measures one batch row; `record_ns` is the best estimate so far of one application's time on
 * the slower side (0: unknown), replaced here by what this row measured. */
static void
measure_batch(struct bench_session *session, struct workload_side sides[BENCH_SIDE_COUNT],
              struct bench_row *row, double *record_ns)
{
   /* A row that cannot fit its time bound even with 3 repetitions is skipped. */
   double estimate = 4.0 * BENCH_SIDE_COUNT * (*record_ns) * row->batch;
   if (*record_ns > 0.0 && estimate > session->plan.max_row_ns) {
      row->status = BENCH_ROW_SKIPPED;
      snprintf(row->message, sizeof(row->message),
               "would take about %.0f s, over --max-row-seconds %.0f", estimate / 1e9,
               session->plan.max_row_ns / 1e9);
      return;
   }
   void *const contexts[BENCH_SIDE_COUNT] = {&sides[0], &sides[1]};
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      sides[s].batch = row->batch;
   if (!bench_session_measure(session, row, run_workload, contexts))
      return;
   double measured = 0.0;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      double per_record = row->m.side[s].median.wall_us * 1000.0 * sides[s].dispatches_per_record;
      if (!isnan(per_record) && per_record > measured)
         measured = per_record;
   }
   if (measured > 0.0)
      *record_ns = measured;
}

/* A new row of the workload at this size and batch (NULL: out of memory, reported). */
static struct bench_row *
add_row(struct bench_results *results, const struct bench_workload_ops *ops, uint64_t size,
        const char *size_label, uint32_t batch)
{
   struct bench_row *row = bench_results_add(results, GROUP, ops->name);
   if (!row)
      return NULL;
   row->size_bytes = size;
   snprintf(row->size_label, sizeof(row->size_label), "%s", size_label);
   row->batch = batch;
   row->unit = "dispatch";
   return row;
}

/* The rows of one workload and size: create on both devices, measure every batch, verify. */
static bool
run_workload_size(struct bench_session *session, const struct bench_workload_ops *ops,
                  uint64_t size, struct cost_hint *hint)
{
   const struct bench_options *options = session->options;
   struct bench_results *results = session->results;
   struct workload_side sides[BENCH_SIDE_COUNT];
   memset(sides, 0, sizeof(sides));
   size_t first = results->count;
   char size_label[24];
   bench_format_size(size, size_label, sizeof(size_label));

   /* A device that cannot run the workload: its rows are skipped, saying why. */
   const char *unsupported = NULL;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT && !unsupported && ops->unsupported; s++)
      unsupported = ops->unsupported(&session->devices[s]);
   if (unsupported) {
      for (uint32_t b = 0; b < options->batch_count; b++) {
         struct bench_row *row = add_row(results, ops, size, size_label, options->batches[b]);
         if (!row)
            return false;
         row->status = BENCH_ROW_SKIPPED;
         snprintf(row->message, sizeof(row->message), "%s", unsupported);
      }
      return true;
   }

   VkResult created = VK_SUCCESS;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT && created == VK_SUCCESS; s++) {
      sides[s].ops = ops;
      created = ops->create(&session->devices[s], (size_t)size, options->seed,
                            &sides[s].workload);
      if (created != VK_SUCCESS) {
         sides[s].workload = NULL;
         kt_error("%s %s on %s: create failed: %s", ops->name, size_label,
                  session->devices[s].physical->properties.deviceName, kt_result_name(created));
         break;
      }
      sides[s].dispatches_per_record = ops->dispatches_per_record(sides[s].workload);
      created = bench_cmd_create(&session->devices[s], &sides[s].cmd);
      if (created == VK_SUCCESS && options->dispatch_timestamps) {
         uint32_t max_batch = 0;
         for (uint32_t b = 0; b < options->batch_count; b++)
            max_batch = options->batches[b] > max_batch ? options->batches[b] : max_batch;
         created = bench_dispatch_timer_create(&session->devices[s],
                                              max_batch * sides[s].dispatches_per_record,
                                              bench_timestamp_valid_bits(&session->devices[s]),
                                              &sides[s].timer);
         if (created == VK_SUCCESS)
            bench_workload_time_dispatches(sides[s].workload, &sides[s].timer);
      }
   }

   double record_ns = 0.0, bytes = 0.0, flops = 0.0;
   if (created == VK_SUCCESS) {
      bytes = ops->bytes_per_record(sides[BENCH_DIRECT].workload);
      flops = ops->flops_per_record(sides[BENCH_DIRECT].workload);
      record_ns = scaled_estimate(hint, bytes, flops);
   }
   for (uint32_t b = 0; b < options->batch_count; b++) {
      struct bench_row *row = add_row(results, ops, size, size_label, options->batches[b]);
      if (!row)
         return false;
      bench_progress_begin(session, row);
      if (created != VK_SUCCESS) {
         bench_row_fail(row, "creating the workload failed: %s", kt_result_name(created));
      } else {
         uint32_t per_record = sides[BENCH_DIRECT].dispatches_per_record;
         row->dispatches_per_submit = row->batch * per_record;
         if (per_record) {
            row->bytes_per_unit = bytes / per_record;
            row->flops_per_unit = flops / per_record;
         }
         if (per_record != sides[BENCH_KRONOS].dispatches_per_record)
            bench_row_fail(row, "dispatches per record differ: %u direct, %u Kronos", per_record,
                           sides[BENCH_KRONOS].dispatches_per_record);
         else
            measure_batch(session, sides, row, &record_ns);
      }
      bench_progress_end(session, row);
   }

   if (created == VK_SUCCESS)
      *hint = (struct cost_hint){.record_ns = record_ns, .bytes = bytes, .flops = flops};

   size_t count = results->count - first;
   bool any_measured = false;
   for (size_t i = first; i < results->count; i++)
      any_measured |= results->rows[i].measured;
   if (created == VK_SUCCESS && any_measured)
      verify_sides(sides, &results->rows[first], (uint32_t)count);

   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      bench_cmd_destroy(&sides[s].cmd); /* waits for the device to go idle */
      bench_dispatch_timer_destroy(&sides[s].timer);
      if (sides[s].workload)
         ops->destroy(sides[s].workload);
   }
   return true;
}

bool
bench_run_workload_rows(struct bench_session *session)
{
   const struct bench_options *options = session->options;
   for (const struct bench_workload_ops *const *ops = bench_workloads; *ops; ops++) {
      if (!bench_options_selects(options, GROUP, (*ops)->name))
         continue;
      struct cost_hint hint = {0};
      for (uint32_t z = 0; z < options->size_count; z++) {
         if (!run_workload_size(session, *ops, options->sizes[z], &hint))
            return false;
      }
   }
   return true;
}
