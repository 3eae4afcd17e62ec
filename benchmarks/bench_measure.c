/* SPDX-License-Identifier: MIT */
#include "bench_measure.h"

#include <math.h>
#include <string.h>

#include "bench_time.h"

static VkResult
run_once(bench_run_fn run, void *context, uint32_t iterations, struct bench_sample *sample)
{
   memset(sample, 0, sizeof(*sample));
   sample->latency_ns = NAN;
   sample->dispatch_gpu_ns = NAN;
   uint64_t cpu = bench_process_cpu_ns();
   uint64_t wall = bench_wall_ns();
   VkResult result = run(context, iterations, sample);
   sample->wall_ns = (double)(bench_wall_ns() - wall);
   sample->cpu_ns = (double)(bench_process_cpu_ns() - cpu);
   return result;
}

static double
per(double value, uint64_t count)
{
   return count ? value / (double)count / 1000.0 : NAN;
}

static void
to_figures(const struct bench_sample *sample, struct bench_figures *out)
{
   out->wall_us = per(sample->wall_ns, sample->units);
   out->record_us = per(sample->record_ns, sample->units);
   out->submit_us = per(sample->submit_ns, sample->submits);
   out->gpu_us = per(sample->gpu_ns, sample->units);
   out->cpu_us = per(sample->cpu_ns, sample->units);
   out->latency_us = per(sample->latency_ns, sample->units);
   out->record_submit_us = per(sample->record_ns + sample->submit_ns, sample->units);
   out->dispatch_gpu_us = per(sample->dispatch_gpu_ns, sample->units);
}

static void
medians(struct bench_side_result *side, uint32_t reps)
{
   double values[BENCH_MAX_REPS];
#define MEDIAN_OF(field)                                                                          \
   do {                                                                                           \
      for (uint32_t i = 0; i < reps; i++)                                                         \
         values[i] = side->samples[i].field;                                                      \
      side->median.field = bench_median(values, reps);                                            \
   } while (0)
   MEDIAN_OF(wall_us);
   MEDIAN_OF(record_us);
   MEDIAN_OF(submit_us);
   MEDIAN_OF(gpu_us);
   MEDIAN_OF(cpu_us);
   MEDIAN_OF(latency_us);
   MEDIAN_OF(record_submit_us);
   MEDIAN_OF(dispatch_gpu_us);
#undef MEDIAN_OF
}

/* One pair of measurements, A then B or (odd `round`) B then A. */
static VkResult
run_pair(bench_run_fn run, void *const contexts[BENCH_SIDE_COUNT], uint32_t iterations,
         uint32_t round, struct bench_sample samples[BENCH_SIDE_COUNT])
{
   for (uint32_t k = 0; k < BENCH_SIDE_COUNT; k++) {
      uint32_t side = round % 2 ? BENCH_SIDE_COUNT - 1 - k : k;
      VkResult result = run_once(run, contexts[side], iterations, &samples[side]);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

/* Iterations for one measurement to last plan->min_measure_ns on the faster side, but at most
 * 20 times that on the slower one: where an optimization makes Kronos thousands of times
 * faster (allocation from a pool), sizing by the fast side alone would make the slow side run
 * for minutes. */
static uint32_t
iterations_for(const struct bench_plan *plan, const double per_iteration[BENCH_SIDE_COUNT])
{
   double fastest = per_iteration[0] < per_iteration[1] ? per_iteration[0] : per_iteration[1];
   double slowest = per_iteration[0] < per_iteration[1] ? per_iteration[1] : per_iteration[0];
   if (fastest < 1.0)
      fastest = 1.0;
   double wanted = ceil(plan->min_measure_ns / fastest);
   double bound = floor(20.0 * plan->min_measure_ns / (slowest > 1.0 ? slowest : 1.0));
   if (wanted > bound)
      wanted = bound;
   if (wanted < 1.0)
      return 1;
   return wanted > (double)plan->max_iterations ? plan->max_iterations : (uint32_t)wanted;
}

/* Keeps a row within plan->max_row_ns: no more warm-up, fewer repetitions (3 at least). */
static void
fit_time_bound(const struct bench_plan *plan, struct bench_measurement *out,
               const double per_iteration[BENCH_SIDE_COUNT], uint32_t *warmups, uint32_t *reps)
{
   double pair_ns = (double)out->iterations * (per_iteration[0] + per_iteration[1]);
   if ((double)(*warmups + *reps) * pair_ns <= plan->max_row_ns)
      return;
   *warmups = 0;
   if (*reps > 3) {
      double fit = floor(plan->max_row_ns / pair_ns);
      *reps = fit < 3.0 ? 3 : fit < (double)*reps ? (uint32_t)fit : *reps;
      out->reps_reduced = true;
   }
}

VkResult
bench_measure(const struct bench_plan *plan, const struct bench_stats *stats, bench_run_fn run,
              void *const contexts[BENCH_SIDE_COUNT], struct bench_measurement *out)
{
   struct bench_sample samples[BENCH_SIDE_COUNT];
   memset(out, 0, sizeof(*out));

   /* The first warm-up pair, one iteration each, sizes the inner iterations; the second, with
    * those, sizes them again without the first call's one-time costs. */
   VkResult result = run_pair(run, contexts, 1, 0, samples);
   if (result != VK_SUCCESS)
      return result;
   double per_iteration[BENCH_SIDE_COUNT];
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      out->side[s].first_wall_ns = samples[s].wall_ns;
      per_iteration[s] = samples[s].wall_ns;
   }
   out->iterations = iterations_for(plan, per_iteration);
   out->warmups = 1;
   uint32_t warmups = plan->warmups > 1 ? plan->warmups - 1 : 0;
   uint32_t reps = plan->reps < BENCH_MAX_REPS ? plan->reps : BENCH_MAX_REPS;
   fit_time_bound(plan, out, per_iteration, &warmups, &reps);

   if (warmups > 0) {
      result = run_pair(run, contexts, out->iterations, 1, samples);
      if (result != VK_SUCCESS)
         return result;
      for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
         per_iteration[s] = samples[s].wall_ns / out->iterations;
      out->iterations = iterations_for(plan, per_iteration);
      warmups--;
      out->warmups++;
      fit_time_bound(plan, out, per_iteration, &warmups, &reps);
   }
   out->warmups += warmups;
   out->reps = reps;

   for (uint32_t i = 0; i < warmups; i++) {
      result = run_pair(run, contexts, out->iterations, i, samples);
      if (result != VK_SUCCESS)
         return result;
   }

   VkKronosDeviceStatistics before, after;
   result = bench_stats_read(stats, &before);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t r = 0; r < reps; r++) {
      result = run_pair(run, contexts, out->iterations, r, samples);
      if (result != VK_SUCCESS)
         return result;
      for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
         to_figures(&samples[s], &out->side[s].samples[r]);
         out->side[s].units = samples[s].units;
         out->side[s].submits = samples[s].submits;
      }
      bench_did_add(&out->did, &samples[BENCH_KRONOS].did);
   }
   result = bench_stats_read(stats, &after);
   if (result != VK_SUCCESS)
      return result;
   bench_stats_delta(&before, &after, &out->delta);
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      medians(&out->side[s], reps);
   return VK_SUCCESS;
}

double
bench_ratio(double kronos, double direct)
{
   if (isnan(kronos) || isnan(direct) || direct == 0.0)
      return NAN;
   return kronos / direct;
}
