/* SPDX-License-Identifier: MIT */
#include "bench_report.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void
bench_format_figure(double value, char *out, size_t size)
{
   double magnitude = fabs(value);
   if (isnan(value))
      snprintf(out, size, "-");
   else if (magnitude >= 10000.0)
      snprintf(out, size, "%.0f", value);
   else if (magnitude >= 100.0)
      snprintf(out, size, "%.1f", value);
   else if (magnitude >= 1.0)
      snprintf(out, size, "%.2f", value);
   else
      snprintf(out, size, "%.3f", value);
}

void
bench_format_check(const struct bench_row *row, char *out, size_t size)
{
   if (row->status == BENCH_ROW_SKIPPED) {
      snprintf(out, size, "skip");
      return;
   }
   if (row->status == BENCH_ROW_FAILED) {
      snprintf(out, size, "FAIL:run");
      return;
   }
   char what[32] = "";
   if (row->verify == BENCH_CHECK_FAILED)
      strcat(what, ",ref");
   if (row->outputs_equal == BENCH_CHECK_FAILED)
      strcat(what, ",output");
   if (row->counters_check == BENCH_CHECK_FAILED)
      strcat(what, ",counters");
   if (what[0])
      snprintf(out, size, "FAIL:%s", what + 1);
   else
      snprintf(out, size, "ok");
}

size_t
bench_results_failures(const struct bench_results *results)
{
   size_t failures = 0;
   for (size_t i = 0; i < results->count; i++)
      failures += !bench_row_passed(&results->rows[i]);
   return failures;
}

/* A figure right-aligned in `width` columns, with a leading space. */
static void
cell(FILE *out, double value, int width)
{
   char text[32];
   bench_format_figure(value, text, sizeof(text));
   fprintf(out, " %*s", width, text);
}

static void
print_row(FILE *out, const struct bench_row *row)
{
   const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
   const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
   char batch[16] = "-", check[48];
   if (row->batch)
      snprintf(batch, sizeof(batch), "%u", row->batch);
   bench_format_check(row, check, sizeof(check));
   fprintf(out, "%-20s %-7s %5s", row->name, row->size_label, batch);
   if (!row->measured) {
      fprintf(out, " %*s  %s\n", 8 * 11 + 6 * 4 + 12, "", check);
      return;
   }
   cell(out, d->wall_us, 8);
   cell(out, k->wall_us, 8);
   cell(out, bench_ratio(k->wall_us, d->wall_us), 6);
   cell(out, d->record_us, 7);
   cell(out, k->record_us, 7);
   cell(out, d->submit_us, 7);
   cell(out, k->submit_us, 7);
   cell(out, d->gpu_us, 8);
   cell(out, k->gpu_us, 8);
   cell(out, bench_row_gbps(row, BENCH_DIRECT), 7);
   cell(out, bench_row_gbps(row, BENCH_KRONOS), 7);
   cell(out, row->counters.descriptor_writes_per_dispatch, 6);
   cell(out, row->counters.barriers_per_dispatch, 6);
   cell(out, row->counters.vendor_submits_per_app_submit, 6);
   fprintf(out, " %7" PRIu64 "  %s\n", row->counters.vendor_allocations, check);
}

/* The submit rows' own figures: latency and how Kronos batched the submits. */
static void
print_submit_rows(FILE *out, const struct bench_results *results)
{
   bool header = false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (strcmp(row->group, "submit") != 0 || !row->measured)
         continue;
      if (!header) {
         fprintf(out, "\nsubmit rows %13s %17s %15s %8s %8s %8s %8s %8s %8s %8s\n", "",
                 "wall us/unit", "latency us", "app", "app", "vendor", "flushed", "flushed",
                 "flushed", "flushed");
         fprintf(out, "%-18s %6s %8s %8s %7s %7s %8s %8s %8s %8s %8s %8s %8s\n", "row",
                 "subm/u", "direct", "kronos", "direct", "kronos", "/vsubm", "submits",
                 "submits", "full", "observed", "timeout", "idle");
         header = true;
      }
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      const VkKronosDeviceStatistics *delta = &row->m.delta;
      fprintf(out, "%-18s %6u", row->name, row->submits_per_unit);
      cell(out, d->wall_us, 8);
      cell(out, k->wall_us, 8);
      cell(out, d->latency_us, 7);
      cell(out, k->latency_us, 7);
      cell(out, row->counters.app_submits_per_vendor_submit, 8);
      fprintf(out, " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
              "\n",
              delta->app_submits, delta->vendor_submits,
              delta->batches_flushed[KRONOS_FLUSH_FULL],
              delta->batches_flushed[KRONOS_FLUSH_OBSERVED],
              delta->batches_flushed[KRONOS_FLUSH_TIMEOUT],
              delta->batches_flushed[KRONOS_FLUSH_IDLE]);
   }
   if (header)
      fprintf(out, "unit: iteration (all N submits and their one wait) or round trip; latency: "
                   "from before vkQueueSubmit\nto the host seeing the shader's write, nothing "
                   "waiting (unobserved-latency; unobserved-busy: 8 submits queued ahead); the\nlast "
                   "seven columns are Kronos's statistics over the measured repetitions of the\n"
                   "Kronos device.\n");
}

/* The rows that write descriptors: Kronos's application and vendor descriptor writes per
 * dispatch, and the CPU time of recording (descriptor writes included) and submitting. */
static void
print_descriptor_rows(FILE *out, const struct bench_results *results)
{
   bool header = false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (!row->measured || row->m.delta.app_descriptor_writes == 0)
         continue;
      if (!header) {
         fprintf(out, "\ndescriptor rows %10s %17s %26s\n", "", "writes/dispatch",
                 "record+submit us/dispatch");
         fprintf(out, "%-20s %5s %8s %8s %8s %8s %8s\n", "row", "batch", "app", "vendor",
                 "direct", "kronos", "ratio");
         header = true;
      }
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      fprintf(out, "%-20s %5u", row->name, row->batch);
      cell(out, row->counters.app_descriptor_writes_per_dispatch, 8);
      cell(out, row->counters.descriptor_writes_per_dispatch, 8);
      cell(out, d->record_submit_us, 8);
      cell(out, k->record_submit_us, 8);
      cell(out, bench_ratio(k->record_submit_us, d->record_submit_us), 8);
      fprintf(out, "\n");
   }
   if (header)
      fprintf(out, "batch: dispatches per submit; app and vendor descriptor writes per dispatch "
                   "are Kronos's\nstatistics over the measured repetitions of the Kronos "
                   "device; record+submit: CPU time\nrecording the command buffer (descriptor "
                   "pool resets, set allocations and writes\nincluded) and in vkQueueSubmit, per "
                   "dispatch; ratio = kronos / direct.\n");
}

void
bench_report_table(FILE *out, const struct bench_results *results)
{
   const struct bench_device_info *vendor = &results->device[BENCH_DIRECT];
   fprintf(out, "\nkronos-bench: %s, %s %s, vs %s; %s\n", vendor->name, vendor->driver_name,
           vendor->driver_version, results->device[BENCH_KRONOS].name, results->date);
   fprintf(out, "%-20s %-7s %5s %17s %6s %15s %15s %17s %15s %6s %6s %6s %7s  %s\n", "", "", "",
           "wall us/unit", "", "record us/disp", "submit us/subm", "GPU us/disp", "GB/s",
           "descr", "barr", "vsubm", "vendor", "");
   fprintf(out, "%-20s %-7s %5s %8s %8s %6s %7s %7s %7s %7s %8s %8s %7s %7s %6s %6s %6s %7s  %s\n",
           "row", "size", "batch", "direct", "kronos", "ratio", "direct", "kronos", "direct",
           "kronos", "direct", "kronos", "direct", "kronos", "/disp", "/disp", "/asubm",
           "allocs", "check");
   for (size_t i = 0; i < results->count; i++)
      print_row(out, &results->rows[i]);
   fprintf(out,
      "\nunit: dispatch for workloads (batch = applications per submit), chain-*, graph-dag and\n"
      "descriptor-* (batch = dispatches per submit); allocation, submit or round trip for\n"
      "the other micro rows. ratio = kronos / direct wall time. record and GPU per dispatch,\n"
      "submit per vkQueueSubmit. GB/s from GPU time. descr/disp, barr/disp (vendor descriptor\n"
      "writes and barriers per application dispatch), vsubm/asubm and vendor allocs come from\n"
      "Kronos's statistics over the measured repetitions of the Kronos device.\n");
   print_descriptor_rows(out, results);
   bench_report_barrier_table(out, results);
   print_submit_rows(out, results);

   size_t failures = 0;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (bench_row_passed(row))
         continue;
      if (failures++ == 0)
         fprintf(out, "\nfailed checks:\n");
      fprintf(out, "  %s %s", row->name, row->size_label);
      if (row->batch)
         fprintf(out, " x%u", row->batch);
      if (row->status == BENCH_ROW_FAILED)
         fprintf(out, ": %s", row->message);
      if (row->verify == BENCH_CHECK_FAILED || row->outputs_equal == BENCH_CHECK_FAILED)
         fprintf(out, ": output: %s", row->verify_why);
      if (row->counters_check == BENCH_CHECK_FAILED)
         fprintf(out, ": counters: %s", row->counters_why);
      fprintf(out, "\n");
   }
   fprintf(out, "\nresult: %s (%zu rows, %zu failed, %.1f s)\n", failures ? "FAIL" : "PASS",
           results->count, failures, results->duration_s);
}
