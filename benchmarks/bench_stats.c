/* SPDX-License-Identifier: MIT */
#include "bench_stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

VkResult
bench_stats_init(const struct kt_device *device, struct bench_stats *out)
{
   memset(out, 0, sizeof(*out));
   out->device = device->handle;
   out->get = (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(device->handle,
                                                                  "vkGetDeviceStatisticsKRONOS");
   if (!out->get) {
      kt_error("%s: vkGetDeviceProcAddr(\"vkGetDeviceStatisticsKRONOS\") returned NULL: is this "
               "Kronos, and is a layer hiding the extension?",
               device->physical->properties.deviceName);
      return VK_ERROR_EXTENSION_NOT_PRESENT;
   }
   return VK_SUCCESS;
}

VkResult
bench_stats_read(const struct bench_stats *stats, VkKronosDeviceStatistics *out)
{
   memset(out, 0, sizeof(*out));
   out->version = KRONOS_STATISTICS_VERSION;
   VkResult result = stats->get(stats->device, out);
   kt_ok(result, "vkGetDeviceStatisticsKRONOS");
   return result;
}

void
bench_stats_delta(const VkKronosDeviceStatistics *before, const VkKronosDeviceStatistics *after,
                  VkKronosDeviceStatistics *delta)
{
   *delta = (VkKronosDeviceStatistics){
      .version = after->version,
      .app_allocations = after->app_allocations - before->app_allocations,
      .vendor_allocations = after->vendor_allocations - before->vendor_allocations,
      .app_frees = after->app_frees - before->app_frees,
      .vendor_frees = after->vendor_frees - before->vendor_frees,
      .app_submits = after->app_submits - before->app_submits,
      .vendor_submits = after->vendor_submits - before->vendor_submits,
      .app_barriers = after->app_barriers - before->app_barriers,
      .vendor_barriers = after->vendor_barriers - before->vendor_barriers,
      .app_dispatches = after->app_dispatches - before->app_dispatches,
      .vendor_dispatches = after->vendor_dispatches - before->vendor_dispatches,
      .app_descriptor_writes = after->app_descriptor_writes - before->app_descriptor_writes,
      .vendor_descriptor_writes =
         after->vendor_descriptor_writes - before->vendor_descriptor_writes,
      .pool_bytes_reserved = after->pool_bytes_reserved,
      .pool_bytes_in_use = after->pool_bytes_in_use,
   };
   for (unsigned i = 0; i < KRONOS_FLUSH_REASON_COUNT; i++)
      delta->batches_flushed[i] = after->batches_flushed[i] - before->batches_flushed[i];
   delta->barriers_dropped = after->barriers_dropped - before->barriers_dropped;
   delta->barriers_merged = after->barriers_merged - before->barriers_merged;
   delta->barrier_events_replayed =
      after->barrier_events_replayed - before->barrier_events_replayed;
   delta->barrier_replays_diverged =
      after->barrier_replays_diverged - before->barrier_replays_diverged;
   delta->barrier_dispatches_unexamined =
      after->barrier_dispatches_unexamined - before->barrier_dispatches_unexamined;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
      delta->barriers_emitted[i] = after->barriers_emitted[i] - before->barriers_emitted[i];
}

static double
ratio(uint64_t numerator, uint64_t denominator)
{
   return denominator ? (double)numerator / (double)denominator : NAN;
}

void
bench_stats_figures(const VkKronosDeviceStatistics *delta, struct bench_counter_figures *out)
{
   out->descriptor_writes_per_dispatch = ratio(delta->vendor_descriptor_writes,
                                               delta->app_dispatches);
   out->app_descriptor_writes_per_dispatch = ratio(delta->app_descriptor_writes,
                                                   delta->app_dispatches);
   out->barriers_per_dispatch = ratio(delta->vendor_barriers, delta->app_dispatches);
   out->app_barriers_per_dispatch = ratio(delta->app_barriers, delta->app_dispatches);
   out->vendor_submits_per_app_submit = ratio(delta->vendor_submits, delta->app_submits);
   out->app_submits_per_vendor_submit = ratio(delta->app_submits, delta->vendor_submits);
   out->vendor_allocations = delta->vendor_allocations;
}

static uint64_t
add_count(uint64_t a, uint64_t b)
{
   return a == BENCH_COUNT_POSITIVE || b == BENCH_COUNT_POSITIVE ? BENCH_COUNT_POSITIVE : a + b;
}

void
bench_did_add(struct bench_did *a, const struct bench_did *b)
{
   a->allocations = add_count(a->allocations, b->allocations);
   a->frees = add_count(a->frees, b->frees);
   a->submits = add_count(a->submits, b->submits);
   a->barriers = add_count(a->barriers, b->barriers);
   a->dispatches = add_count(a->dispatches, b->dispatches);
   a->descriptor_writes = add_count(a->descriptor_writes, b->descriptor_writes);
}

/* Appends "; <message>" to `why`: "expected <expected>", "expected more than 0" (POSITIVE), or
 * with `at_most`, "expected at most <expected>". */
static void
complain_bound(char *why, size_t why_size, const char *name, const char *what, uint64_t got,
               uint64_t expected, bool at_most)
{
   size_t used = strlen(why);
   if (used + 1 >= why_size)
      return;
   if (expected == BENCH_COUNT_POSITIVE)
      snprintf(why + used, why_size - used, "%s%s %s %" PRIu64 ", expected more than 0",
               used ? "; " : "", name, what, got);
   else
      snprintf(why + used, why_size - used, "%s%s %s %" PRIu64 ", expected %s%" PRIu64,
               used ? "; " : "", name, what, got, at_most ? "at most " : "", expected);
}

static void
complain(char *why, size_t why_size, const char *name, const char *what, uint64_t got,
         uint64_t expected)
{
   complain_bound(why, why_size, name, what, got, expected, false);
}

static bool
check_app(const char *name, uint64_t got, uint64_t expected, char *why, size_t why_size)
{
   if (expected == BENCH_COUNT_POSITIVE) {
      if (got > 0)
         return true;
      complain(why, why_size, name, "(application) is", got, BENCH_COUNT_POSITIVE);
      return false;
   }
   if (got == expected)
      return true;
   complain(why, why_size, name, "(application) is", got, expected);
   return false;
}

static bool
check_vendor(const char *name, uint64_t vendor, uint64_t app, char *why, size_t why_size)
{
   if (vendor == app)
      return true;
   complain(why, why_size, name, "(vendor) is", vendor, app);
   return false;
}

static bool
check_vendor_at_most(const char *name, uint64_t vendor, uint64_t app, char *why,
                     size_t why_size)
{
   if (vendor <= app)
      return true;
   complain_bound(why, why_size, name, "(vendor) is", vendor, app, true);
   return false;
}

bool
bench_stats_check(const VkKronosDeviceStatistics *delta, const struct bench_did *did,
                  unsigned passthrough, char *why, size_t why_size)
{
   bool ok = true;
   why[0] = '\0';
   ok &= check_app("allocations", delta->app_allocations, did->allocations, why, why_size);
   ok &= check_app("frees", delta->app_frees, did->frees, why, why_size);
   ok &= check_app("submits", delta->app_submits, did->submits, why, why_size);
   ok &= check_app("barriers", delta->app_barriers, did->barriers, why, why_size);
   ok &= check_app("dispatches", delta->app_dispatches, did->dispatches, why, why_size);
   ok &= check_app("descriptor writes", delta->app_descriptor_writes, did->descriptor_writes,
                   why, why_size);
   /* Whatever the optimizations, every dispatch reaches the vendor, and submitted work that
    * the benchmark waited for was submitted to the vendor. */
   ok &= check_vendor("dispatches", delta->vendor_dispatches, delta->app_dispatches, why,
                      why_size);
   if (delta->app_submits > 0 && delta->vendor_submits == 0) {
      complain(why, why_size, "submits", "(vendor) is", 0, BENCH_COUNT_POSITIVE);
      ok = false;
   }
   if (passthrough & BENCH_PASSTHROUGH_POOL) {
      ok &= check_vendor("allocations", delta->vendor_allocations, delta->app_allocations, why,
                         why_size);
      ok &= check_vendor("frees", delta->vendor_frees, delta->app_frees, why, why_size);
   }
   if (passthrough & BENCH_PASSTHROUGH_BATCH)
      ok &= check_vendor("submits", delta->vendor_submits, delta->app_submits, why, why_size);
   /* Every application barrier is dropped, merged into a vendor barrier with others, or is
    * (the first of) a vendor barrier; the policy emits a barrier only for pending requests and
    * passes the others through one for one (kronos.h). KRONOS_BARRIER_DROP_ALL gives the vendor
    * none. */
   uint64_t accounted = delta->vendor_barriers + delta->barriers_dropped + delta->barriers_merged;
   if (passthrough & BENCH_DROP_ALL) {
      ok &= check_vendor("barriers", delta->vendor_barriers, 0, why, why_size);
   } else if (passthrough & BENCH_PASSTHROUGH_BARRIER &&
              !check_vendor("barriers", delta->vendor_barriers, delta->app_barriers, why,
                            why_size)) {
      ok = false;
   } else if (accounted != delta->app_barriers) {
      size_t used = strlen(why);
      if (used + 1 < why_size)
         snprintf(why + used, why_size - used,
                  "%sbarriers: vendor %" PRIu64 " + dropped %" PRIu64 " + merged %" PRIu64
                  " is %" PRIu64 ", not the application's %" PRIu64,
                  used ? "; " : "", delta->vendor_barriers, delta->barriers_dropped,
                  delta->barriers_merged, accounted, delta->app_barriers);
      ok = false;
   }
   /* Persistent descriptors write a vendor set only for content that the application wrote
    * and the cache cannot serve: never more vendor writes than application writes (a row's
    * sets written before the measurement were first bound in its warm-up), and with the
    * optimization off exactly as many. */
   if (passthrough & BENCH_PASSTHROUGH_DESCRIPTOR)
      ok &= check_vendor("descriptor writes", delta->vendor_descriptor_writes,
                         delta->app_descriptor_writes, why, why_size);
   else
      ok &= check_vendor_at_most("descriptor writes", delta->vendor_descriptor_writes,
                                 delta->app_descriptor_writes, why, why_size);
   return ok;
}

uint32_t
bench_barrier_expect_vendor(const struct bench_barrier_expect *expect)
{
   return expect->hazards_per_submit + expect->ends_per_submit;
}

bool
bench_stats_check_barriers(const VkKronosDeviceStatistics *delta,
                           const struct bench_barrier_expect *expect, unsigned passthrough,
                           char *why, size_t why_size)
{
   bool ok = true;
   const uint64_t *emitted = delta->barriers_emitted;
   uint64_t submits = delta->app_submits;
   if (passthrough & BENCH_PASSTHROUGH_BARRIER) {
      uint64_t policy = delta->barriers_dropped + delta->barriers_merged;
      for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
         policy += emitted[i];
      if (policy != 0) {
         complain(why, why_size, "barriers", "dropped, merged or emitted by the policy (off) is",
                  policy, 0);
         ok = false;
      }
      return ok;
   }
   if (passthrough & BENCH_PASSTHROUGH_DESCRIPTOR) {
      /* Descriptor sets are vendor sets (KRONOS_DISABLE=descriptor): the policy cannot see
       * what a dispatch touches, so it keeps every barrier (emitted for a reason other than a
       * hazard) and drops none. */
      if (emitted[KRONOS_BARRIER_HAZARD] != 0) {
         complain(why, why_size, "barriers", "(vendor) emitted for a hazard is",
                  emitted[KRONOS_BARRIER_HAZARD], 0);
         ok = false;
      }
      if (delta->barriers_dropped != 0) {
         complain(why, why_size, "barriers", "dropped (sets not modelled) is",
                  delta->barriers_dropped, 0);
         ok = false;
      }
      uint64_t vendor = passthrough & BENCH_DROP_ALL ? 0 : delta->app_barriers;
      if (delta->vendor_barriers != vendor) {
         complain(why, why_size, "barriers", "(vendor) is", delta->vendor_barriers, vendor);
         ok = false;
      }
      return ok;
   }
   uint64_t other = 0;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++) {
      if (i != KRONOS_BARRIER_HAZARD && i != KRONOS_BARRIER_END && i != KRONOS_BARRIER_QUERY)
         other += emitted[i];
   }
   if (emitted[KRONOS_BARRIER_HAZARD] != submits * expect->hazards_per_submit) {
      complain(why, why_size, "barriers", "(vendor) emitted for a hazard is",
               emitted[KRONOS_BARRIER_HAZARD], submits * expect->hazards_per_submit);
      ok = false;
   }
   uint64_t ends = emitted[KRONOS_BARRIER_END] + emitted[KRONOS_BARRIER_QUERY];
   if (ends != submits * expect->ends_per_submit) {
      complain(why, why_size, "barriers", "(vendor) emitted at the end is", ends,
               submits * expect->ends_per_submit);
      ok = false;
   }
   if (other != 0) {
      complain(why, why_size, "barriers", "(vendor) emitted for another reason is", other, 0);
      ok = false;
   }
   uint64_t vendor =
      passthrough & BENCH_DROP_ALL ? 0 : submits * bench_barrier_expect_vendor(expect);
   if (delta->vendor_barriers != vendor) {
      complain(why, why_size, "barriers", "(vendor) is", delta->vendor_barriers, vendor);
      ok = false;
   }
   return ok;
}
