/* SPDX-License-Identifier: MIT */
/* The barrier rows' part of the report (table and markdown): Kronos's barrier counters per
 * command buffer next to what the benchmark's model expects, and the cost of barriers through
 * Kronos against the same dispatches with none on the vendor directly. */
#include "bench_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct bench_row *
find_row(const struct bench_results *results, const char *name)
{
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (strcmp(row->group, "micro") == 0 && strcmp(row->name, name) == 0 && row->measured)
         return row;
   }
   return NULL;
}

bool
bench_barrier_summary(const struct bench_results *results, struct bench_barrier_summary *out)
{
   const struct bench_row *barriers = find_row(results, "chain-barriers");
   const struct bench_row *none = find_row(results, "chain-nobarriers");
   if (!barriers || !none)
      return false;
   const struct bench_figures *b_direct = &barriers->m.side[BENCH_DIRECT].median;
   const struct bench_figures *b_kronos = &barriers->m.side[BENCH_KRONOS].median;
   const struct bench_figures *n_direct = &none->m.side[BENCH_DIRECT].median;
   *out = (struct bench_barrier_summary){
      .kronos_wall = bench_ratio(b_kronos->wall_us, n_direct->wall_us),
      .direct_wall = bench_ratio(b_direct->wall_us, n_direct->wall_us),
      .kronos_gpu = bench_ratio(b_kronos->gpu_us, n_direct->gpu_us),
      .direct_gpu = bench_ratio(b_direct->gpu_us, n_direct->gpu_us),
   };
   return true;
}

static bool
is_barrier_row(const struct bench_row *row)
{
   return row->measured && row->barrier_expect.known;
}

/* Per application submit (each of these rows' submits is one command buffer). */
static double
per_submit(const struct bench_row *row, uint64_t count)
{
   uint64_t submits = row->m.delta.app_submits;
   return submits ? (double)count / (double)submits : NAN;
}

static uint64_t
emitted_other(const VkKronosDeviceStatistics *d)
{
   uint64_t other = 0;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++) {
      if (i != KRONOS_BARRIER_HAZARD && i != KRONOS_BARRIER_END && i != KRONOS_BARRIER_QUERY)
         other += d->barriers_emitted[i];
   }
   return other;
}

/* The columns both formats print, per command buffer: application, vendor, expected vendor
 * (with the policy on), vendor per dispatch, dropped, merged, emitted for a hazard, at the end,
 * before a query, for another reason; then the medians' wall time per dispatch direct and
 * through Kronos, and their ratio. Column BARRIER_PER_DISPATCH and the times are figures, the
 * others counts. */
#define BARRIER_COLUMNS 13
#define BARRIER_PER_DISPATCH 3
#define BARRIER_TIMES 10

static void
barrier_figures(const struct bench_row *row, double out[BARRIER_COLUMNS])
{
   const VkKronosDeviceStatistics *d = &row->m.delta;
   const struct bench_figures *direct = &row->m.side[BENCH_DIRECT].median;
   const struct bench_figures *kronos = &row->m.side[BENCH_KRONOS].median;
   out[0] = per_submit(row, d->app_barriers);
   out[1] = per_submit(row, d->vendor_barriers);
   out[2] = bench_barrier_expect_vendor(&row->barrier_expect);
   out[BARRIER_PER_DISPATCH] = row->counters.barriers_per_dispatch;
   out[4] = per_submit(row, d->barriers_dropped);
   out[5] = per_submit(row, d->barriers_merged);
   out[6] = per_submit(row, d->barriers_emitted[KRONOS_BARRIER_HAZARD]);
   out[7] = per_submit(row, d->barriers_emitted[KRONOS_BARRIER_END]);
   out[8] = per_submit(row, d->barriers_emitted[KRONOS_BARRIER_QUERY]);
   out[9] = per_submit(row, emitted_other(d));
   out[BARRIER_TIMES] = direct->wall_us;
   out[BARRIER_TIMES + 1] = kronos->wall_us;
   out[BARRIER_TIMES + 2] = bench_ratio(kronos->wall_us, direct->wall_us);
}

/* Counts per command buffer are whole numbers unless something varied between them. */
static void
format_count(double value, char *text, size_t size)
{
   if (!isnan(value) && value == floor(value))
      snprintf(text, size, "%.0f", value);
   else
      bench_format_figure(value, text, size);
}

/* Column c of barrier_figures as text. */
static void
format_column(const double figures[BARRIER_COLUMNS], int c, char text[32])
{
   if (c < BARRIER_TIMES && c != BARRIER_PER_DISPATCH)
      format_count(figures[c], text, 32);
   else
      bench_format_figure(figures[c], text, 32);
}

/* bench_barrier_summary's ratios as text; false where the run lacks its rows. */
struct summary_text {
   char kronos[32], direct[32], kronos_gpu[32], direct_gpu[32];
};

static bool
summary_text(const struct bench_results *results, struct summary_text *text)
{
   struct bench_barrier_summary summary;
   if (!bench_barrier_summary(results, &summary))
      return false;
   bench_format_figure(summary.kronos_wall, text->kronos, sizeof(text->kronos));
   bench_format_figure(summary.direct_wall, text->direct, sizeof(text->direct));
   bench_format_figure(summary.kronos_gpu, text->kronos_gpu, sizeof(text->kronos_gpu));
   bench_format_figure(summary.direct_gpu, text->direct_gpu, sizeof(text->direct_gpu));
   return true;
}

void
bench_report_barrier_table(FILE *out, const struct bench_results *results)
{
   bool header = false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (!is_barrier_row(row))
         continue;
      if (!header) {
         fprintf(out, "\n%-17s %-26s %-42s %s\n", "barrier rows", "barriers per cmd buffer",
                 "policy per cmd buffer (emitted for ...)", "wall us/dispatch");
         fprintf(out, "%-17s %5s %6s %6s %6s %7s %6s %6s %6s %6s %6s %8s %8s %6s\n", "row", "app",
                 "vendor", "expect", "v/disp", "dropped", "merged", "hazard", "end", "query",
                 "other", "direct", "kronos", "ratio");
         header = true;
      }
      double figures[BARRIER_COLUMNS];
      barrier_figures(row, figures);
      fprintf(out, "%-17s", row->name);
      static const int widths[BARRIER_COLUMNS] = {5, 6, 6, 6, 7, 6, 6, 6, 6, 6, 8, 8, 6};
      for (int c = 0; c < BARRIER_COLUMNS; c++) {
         char text[32];
         format_column(figures, c, text);
         fprintf(out, " %*s", widths[c], text);
      }
      fprintf(out, "\n");
   }
   if (!header)
      return;
   fprintf(out, "app, vendor, dropped, merged and emitted (by reason) are Kronos's statistics "
                "over the measured\nrepetitions, per command buffer; expect: the vendor barriers "
                "the benchmark's model of the\npolicy gives (hazards + 1 at the end), with the "
                "policy on; end before the closing\ntimestamp counts as query.\n");
   struct summary_text t;
   if (summary_text(results, &t)) {
      fprintf(out, "chain-barriers through Kronos / chain-nobarriers direct (wall per dispatch, "
                   "medians of this run): %s (goal <= 1.2; GPU time %s)\n"
                   "chain-barriers direct / chain-nobarriers direct (what the barriers cost on "
                   "the vendor): %s (GPU time %s)\n",
              t.kronos, t.kronos_gpu, t.direct, t.direct_gpu);
   }
}

void
bench_report_barrier_markdown(FILE *out, const struct bench_results *results)
{
   bool header = false;
   for (size_t i = 0; i < results->count; i++) {
      const struct bench_row *row = &results->rows[i];
      if (!is_barrier_row(row))
         continue;
      if (!header) {
         fprintf(out, "## Barrier rows\n\n"
                      "Per command buffer (256 dispatches): application and vendor barriers, the "
                      "vendor barriers the benchmark's model of the barrier policy expects with "
                      "the policy on (hazards + 1 at the end), and what Kronos's statistics say "
                      "it dropped, merged and emitted (by reason; the end barrier counts as query "
                      "where the closing timestamp follows it), over the measured repetitions; "
                      "wall time in µs per dispatch.\n\n");
         fprintf(out, "| row | app | vendor | expected | vendor/disp | dropped | merged | hazard | "
                      "end | query | other | wall direct | wall Kronos | ratio | check |\n");
         fprintf(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                      "---: | ---: | ---: | ---: | --- |\n");
         header = true;
      }
      double figures[BARRIER_COLUMNS];
      barrier_figures(row, figures);
      char check[48];
      bench_format_check(row, check, sizeof(check));
      fprintf(out, "| %s |", row->name);
      for (int c = 0; c < BARRIER_COLUMNS; c++) {
         char text[32];
         format_column(figures, c, text);
         fprintf(out, " %s |", text);
      }
      fprintf(out, " %s |\n", check);
   }
   if (!header)
      return;
   struct summary_text t;
   if (summary_text(results, &t)) {
      fprintf(out, "\nchain-barriers through Kronos against chain-nobarriers on the vendor "
                   "directly (the same dispatches with no barrier), wall time per dispatch, "
                   "medians of this run: **%s×** (goal ≤ 1.2×; GPU time %s×). chain-barriers "
                   "direct against chain-nobarriers direct (what the barriers cost on the "
                   "vendor): %s× (GPU time %s×).\n",
              t.kronos, t.kronos_gpu, t.direct, t.direct_gpu);
   }
   fprintf(out, "\n");
}
