/* SPDX-License-Identifier: MIT */
#include "bench_report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

static void
md_figure(FILE *out, double value)
{
   char text[32];
   bench_format_figure(value, text, sizeof(text));
   fprintf(out, " %s |", text);
}

static void
header(FILE *out, const struct bench_results *results, const struct bench_options *options)
{
   const struct bench_device_info *vendor = &results->device[BENCH_DIRECT];
   const struct bench_device_info *kronos = &results->device[BENCH_KRONOS];
   size_t failures = bench_results_failures(results);
   fprintf(out, "# Kronos benchmark: %s\n\n", vendor->name);
   fprintf(out, "- Card: %s (vendor 0x%04x, device 0x%04x)\n", vendor->name, vendor->vendor_id,
           vendor->device_id);
   fprintf(out, "- Vendor driver: %s %s (%s), Vulkan %u.%u.%u\n", vendor->driver_name,
           vendor->driver_version, vendor->driver_info, VK_API_VERSION_MAJOR(vendor->api_version),
           VK_API_VERSION_MINOR(vendor->api_version), VK_API_VERSION_PATCH(vendor->api_version));
   fprintf(out, "- Through: %s (%s %s)\n", kronos->name, kronos->driver_name,
           kronos->driver_info);
   fprintf(out, "- Date: %s; the run took %.0f s\n", results->date, results->duration_s);
   fprintf(out, "- Method: both devices in one process, alternating direct/Kronos; %u warm-up and "
                "%u measured repetitions per side (fewer where a row would exceed %.0f s), "
                "medians; inner iterations raised until a measurement lasts %.1f ms%s\n",
           options->warmups, options->reps, options->max_row_s, options->min_measure_ms,
           options->quick ? "; --quick" : "");
   fprintf(out, "- Checks: %s\n\n",
           failures ? "SOME FAILED (see the check column)" : "all passed (CPU references, "
                                                             "direct == Kronos outputs, counters)");
}

/* The smallest workload size at batch 1, and every micro and submit row: where per-call cost
 * shows. */
static bool
is_small(const struct bench_results *results, const struct bench_row *row)
{
   if (!row->measured)
      return false;
   if (strcmp(row->group, "micro") == 0 || strcmp(row->group, "submit") == 0)
      return true;
   if (row->batch != 1)
      return false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *other = &results->rows[i];
      if (strcmp(other->name, row->name) == 0 && other->size_bytes < row->size_bytes)
         return false;
   }
   return true;
}

static void
overhead(FILE *out, const struct bench_results *results)
{
   fprintf(out, "## Per-call overhead on the small rows\n\n"
                "Wall time per unit of work (µs); Kronos − direct is what Kronos adds (negative: "
                "saves) per unit; submit is the CPU time inside one vkQueueSubmit.\n\n");
   fprintf(out, "| row | size | unit | direct | Kronos | Kronos − direct | ratio | submit direct "
                "| submit Kronos |\n");
   fprintf(out, "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (!is_small(results, row))
         continue;
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      fprintf(out, "| %s | %s | %s |", row->name, row->size_label, row->unit);
      md_figure(out, d->wall_us);
      md_figure(out, k->wall_us);
      md_figure(out, k->wall_us - d->wall_us);
      md_figure(out, bench_ratio(k->wall_us, d->wall_us));
      md_figure(out, d->submit_us);
      md_figure(out, k->submit_us);
      fprintf(out, "\n");
   }
   fprintf(out, "\n");
}

/* The submit group: submit cost, latency, and how Kronos batched the submits. */
static void
submit_rows(FILE *out, const struct bench_results *results)
{
   bool any = false;
   for (size_t i = 0; i < results->count && !any; i++)
      any = strcmp(results->rows[i].group, "submit") == 0;
   if (!any)
      return;
   fprintf(out, "## Submit rows\n\n"
                "Wall time per unit (µs; iteration: all N submits and their wait), CPU time inside "
                "one vkQueueSubmit (µs), latency from before vkQueueSubmit to the host seeing the "
                "shader's write with nothing waiting (µs; unobserved-busy: with 8 submits queued "
                "ahead, so the queue is busy); app/vendor submits and the batches Kronos "
                "flushed (by reason: full, observed, timeout, idle) come from Kronos's "
                "statistics over the measured repetitions.\n\n");
   fprintf(out, "| row | submits/unit | unit | wall direct | wall Kronos | ratio | submit direct "
                "| submit Kronos | latency direct | latency Kronos | app/vendor submits | "
                "app submits | vendor submits | flushed full | flushed observed | "
                "flushed timeout | flushed idle | check |\n");
   fprintf(out, "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                "---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (strcmp(row->group, "submit") != 0)
         continue;
      char check[48];
      bench_format_check(row, check, sizeof(check));
      fprintf(out, "| %s | %u | %s |", row->name, row->submits_per_unit, row->unit);
      if (!row->measured) {
         for (int c = 0; c < 14; c++)
            fprintf(out, " |");
         fprintf(out, " %s |\n", check);
         continue;
      }
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      const VkKronosDeviceStatistics *delta = &row->m.delta;
      md_figure(out, d->wall_us);
      md_figure(out, k->wall_us);
      md_figure(out, bench_ratio(k->wall_us, d->wall_us));
      md_figure(out, d->submit_us);
      md_figure(out, k->submit_us);
      md_figure(out, d->latency_us);
      md_figure(out, k->latency_us);
      md_figure(out, row->counters.app_submits_per_vendor_submit);
      fprintf(out,
              " %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
              " | %s |\n",
              delta->app_submits, delta->vendor_submits,
              delta->batches_flushed[KRONOS_FLUSH_FULL],
              delta->batches_flushed[KRONOS_FLUSH_OBSERVED],
              delta->batches_flushed[KRONOS_FLUSH_TIMEOUT],
              delta->batches_flushed[KRONOS_FLUSH_IDLE], check);
   }
   fprintf(out, "\n");
}

/* The rows that write descriptors: Kronos's descriptor counters and the CPU time around them. */
static void
descriptor_rows(FILE *out, const struct bench_results *results)
{
   bool header = false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (!row->measured || row->m.delta.app_descriptor_writes == 0)
         continue;
      if (!header) {
         fprintf(out, "## Descriptor rows\n\n"
                      "Application and vendor descriptor writes per dispatch come from Kronos's "
                      "statistics over the measured repetitions; record+submit is the CPU time "
                      "recording the command buffer (descriptor pool resets, set allocations and "
                      "writes included) and inside vkQueueSubmit, in µs per dispatch.\n\n");
         fprintf(out, "| row | dispatches/submit | app writes/disp | vendor writes/disp | "
                      "record+submit direct | record+submit Kronos | ratio | check |\n");
         fprintf(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
         header = true;
      }
      char check[48];
      bench_format_check(row, check, sizeof(check));
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      fprintf(out, "| %s | %u |", row->name, row->batch);
      md_figure(out, row->counters.app_descriptor_writes_per_dispatch);
      md_figure(out, row->counters.descriptor_writes_per_dispatch);
      md_figure(out, d->record_submit_us);
      md_figure(out, k->record_submit_us);
      md_figure(out, bench_ratio(k->record_submit_us, d->record_submit_us));
      fprintf(out, " %s |\n", check);
   }
   if (header)
      fprintf(out, "\n");
}

static void
all_rows(FILE *out, const struct bench_results *results)
{
   fprintf(out, "## All rows\n\n"
                "Times in µs per unit (dispatch for workloads, chain-*, graph-dag and "
                "descriptor-*; iteration or round trip for the submit rows), record and "
                "GPU per dispatch, submit per vkQueueSubmit; "
                "batch: workload applications (micro: dispatches) per submit. The last four "
                "columns come from Kronos's statistics over the measured repetitions.\n\n");
   fprintf(out, "| row | size | batch | unit | wall direct | wall Kronos | ratio | record direct | "
                "record Kronos | submit direct | submit Kronos | GPU direct | GPU Kronos | "
                "GB/s direct | GB/s Kronos | descr/disp | barriers/disp | vendor/app submits | "
                "vendor allocs | check |\n");
   fprintf(out, "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                "---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      char check[48];
      bench_format_check(row, check, sizeof(check));
      fprintf(out, "| %s | %s |", row->name, row->size_label);
      if (row->batch)
         fprintf(out, " %u |", row->batch);
      else
         fprintf(out, " - |");
      fprintf(out, " %s |", row->unit);
      if (!row->measured) {
         for (int c = 0; c < 15; c++)
            fprintf(out, " |");
         fprintf(out, " %s |\n", check);
         continue;
      }
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      md_figure(out, d->wall_us);
      md_figure(out, k->wall_us);
      md_figure(out, bench_ratio(k->wall_us, d->wall_us));
      md_figure(out, d->record_us);
      md_figure(out, k->record_us);
      md_figure(out, d->submit_us);
      md_figure(out, k->submit_us);
      md_figure(out, d->gpu_us);
      md_figure(out, k->gpu_us);
      md_figure(out, bench_row_gbps(row, BENCH_DIRECT));
      md_figure(out, bench_row_gbps(row, BENCH_KRONOS));
      md_figure(out, row->counters.descriptor_writes_per_dispatch);
      md_figure(out, row->counters.barriers_per_dispatch);
      md_figure(out, row->counters.vendor_submits_per_app_submit);
      fprintf(out, " %" PRIu64 " | %s |\n", row->counters.vendor_allocations, check);
   }
   fprintf(out, "\n");
}

bool
bench_report_markdown(const char *path, const struct bench_results *results,
                      const struct bench_options *options)
{
   FILE *out = fopen(path, "w");
   if (!out) {
      kt_error("cannot write %s: %s", path, strerror(errno));
      return false;
   }
   header(out, results, options);
   overhead(out, results);
   submit_rows(out, results);
   descriptor_rows(out, results);
   bench_report_barrier_markdown(out, results);
   all_rows(out, results);
   fprintf(out, "Every figure, with the samples behind each median, is in bench.json; "
                "bench.png plots the Kronos/direct ratios.\n");
   bool ok = !ferror(out);
   if (fclose(out) != 0)
      ok = false;
   if (!ok)
      kt_error("writing %s failed", path);
   return ok;
}
