/* SPDX-License-Identifier: MIT */
#include "kr_stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kr_log.h"

void
kr_stats_add_recorded(struct kr_stats *stats, const struct kr_record_counts *counts)
{
   /* Pushed descriptors reach the vendor as recorded (pushes are application and vendor writes
    * alike); dispatches do unless a command before them failed; barriers as the barrier policy
    * gave them (counted where the vendor was called). */
   if (counts->barriers)
      kr_stats_add(stats, KR_STAT_APP_BARRIERS, counts->barriers);
   if (counts->vendor_barriers)
      kr_stats_add(stats, KR_STAT_VENDOR_BARRIERS, counts->vendor_barriers);
   if (counts->barriers_dropped)
      kr_stats_add(stats, KR_STAT_BARRIERS_DROPPED, counts->barriers_dropped);
   if (counts->barriers_merged)
      kr_stats_add(stats, KR_STAT_BARRIERS_MERGED, counts->barriers_merged);
   if (counts->barrier_events_replayed)
      kr_stats_add(stats, KR_STAT_BARRIER_EVENTS_REPLAYED, counts->barrier_events_replayed);
   if (counts->barrier_replays_diverged)
      kr_stats_add(stats, KR_STAT_BARRIER_REPLAYS_DIVERGED, counts->barrier_replays_diverged);
   if (counts->barrier_dispatches_unexamined) {
      kr_stats_add(stats, KR_STAT_BARRIER_DISPATCHES_UNEXAMINED,
                   counts->barrier_dispatches_unexamined);
   }
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++) {
      if (counts->barriers_emitted[i])
         kr_stats_add(stats, KR_STAT_BARRIERS_EMITTED + i, counts->barriers_emitted[i]);
   }
   if (counts->dispatches) {
      kr_stats_add(stats, KR_STAT_APP_DISPATCHES, counts->dispatches);
      kr_stats_add(stats, KR_STAT_VENDOR_DISPATCHES, counts->vendor_dispatches);
   }
   if (counts->descriptor_writes) {
      kr_stats_add(stats, KR_STAT_APP_DESCRIPTOR_WRITES, counts->descriptor_writes);
      kr_stats_add(stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES, counts->descriptor_writes);
   }
   if (counts->descriptor_pushes)
      kr_stats_add(stats, KR_STAT_DESCRIPTOR_PUSHES, counts->descriptor_pushes);
}

/* The shared counter and every thread's slot (kr_stats.h). */
static uint64_t
get(const struct kr_stats *stats, enum kr_stat stat)
{
   uint64_t sum = atomic_load_explicit(&stats->counters[stat], memory_order_relaxed);
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++)
      sum += atomic_load_explicit(&stats->slots[i].counters[stat], memory_order_relaxed);
   return sum;
}

VkResult
kr_stats_read(const struct kr_stats *stats, VkKronosDeviceStatistics *out)
{
   if (out->version != KRONOS_STATISTICS_VERSION) {
      kr_error("vkGetDeviceStatisticsKRONOS: structure version %u, this Kronos knows %u",
               out->version, KRONOS_STATISTICS_VERSION);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   *out = (VkKronosDeviceStatistics){
      .version = KRONOS_STATISTICS_VERSION,
      .app_allocations = get(stats, KR_STAT_APP_ALLOCATIONS),
      .vendor_allocations = get(stats, KR_STAT_VENDOR_ALLOCATIONS),
      .app_frees = get(stats, KR_STAT_APP_FREES),
      .vendor_frees = get(stats, KR_STAT_VENDOR_FREES),
      .app_submits = get(stats, KR_STAT_APP_SUBMITS),
      .vendor_submits = get(stats, KR_STAT_VENDOR_SUBMITS),
      .app_barriers = get(stats, KR_STAT_APP_BARRIERS),
      .vendor_barriers = get(stats, KR_STAT_VENDOR_BARRIERS),
      .app_dispatches = get(stats, KR_STAT_APP_DISPATCHES),
      .vendor_dispatches = get(stats, KR_STAT_VENDOR_DISPATCHES),
      .app_descriptor_writes = get(stats, KR_STAT_APP_DESCRIPTOR_WRITES),
      .vendor_descriptor_writes = get(stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES),
      .batches_flushed = {get(stats, KR_STAT_FLUSH_FULL), get(stats, KR_STAT_FLUSH_OBSERVED),
                          get(stats, KR_STAT_FLUSH_TIMEOUT), get(stats, KR_STAT_FLUSH_IDLE)},
      .pool_bytes_reserved = get(stats, KR_STAT_POOL_BYTES_RESERVED),
      .pool_bytes_in_use = get(stats, KR_STAT_POOL_BYTES_IN_USE),
      .descriptor_cache_hits = get(stats, KR_STAT_DESCRIPTOR_CACHE_HITS),
      .descriptor_cache_misses = get(stats, KR_STAT_DESCRIPTOR_CACHE_MISSES),
      .descriptor_cache_evictions = get(stats, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS),
      .vendor_descriptor_sets_live = get(stats, KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE),
      .descriptor_cache_bytes = get(stats, KR_STAT_DESCRIPTOR_CACHE_BYTES),
      .descriptor_pushes = get(stats, KR_STAT_DESCRIPTOR_PUSHES),
      .barriers_dropped = get(stats, KR_STAT_BARRIERS_DROPPED),
      .barriers_merged = get(stats, KR_STAT_BARRIERS_MERGED),
      .barrier_events_replayed = get(stats, KR_STAT_BARRIER_EVENTS_REPLAYED),
      .barrier_replays_diverged = get(stats, KR_STAT_BARRIER_REPLAYS_DIVERGED),
      .barrier_dispatches_unexamined = get(stats, KR_STAT_BARRIER_DISPATCHES_UNEXAMINED),
   };
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
      out->barriers_emitted[i] = get(stats, KR_STAT_BARRIERS_EMITTED + i);
   return VK_SUCCESS;
}

void
kr_stats_print(const struct kr_stats *stats, const char *device_name)
{
   VkKronosDeviceStatistics s = {.version = KRONOS_STATISTICS_VERSION};
   kr_stats_read(stats, &s);
   uint64_t unseen = 0;
   for (unsigned i = KRONOS_BARRIER_NOT_UNDERSTOOD; i < KRONOS_BARRIER_REASON_COUNT; i++)
      unseen += s.barriers_emitted[i];
   fprintf(stderr,
           "kronos: statistics for %s (application / vendor):\n"
           "kronos:   allocations %" PRIu64 " / %" PRIu64 ", frees %" PRIu64 " / %" PRIu64 "\n"
           "kronos:   submits %" PRIu64 " / %" PRIu64 "\n"
           "kronos:   dispatches %" PRIu64 " / %" PRIu64 ", barriers %" PRIu64 " / %" PRIu64
           ", descriptor writes %" PRIu64 " / %" PRIu64 "\n"
           "kronos:   batches flushed: full %" PRIu64 ", observed %" PRIu64 ", timeout %" PRIu64
           ", idle %" PRIu64 "\n"
           "kronos:   pool bytes reserved %" PRIu64 ", in use %" PRIu64 "\n"
           "kronos:   descriptor cache: hits %" PRIu64 ", misses %" PRIu64 ", evictions %" PRIu64
           ", vendor sets %" PRIu64 ", %" PRIu64 " bytes; pushes %" PRIu64 "\n"
           "kronos:   barrier policy: dropped %" PRIu64 ", merged %" PRIu64 ", emitted for a "
           "hazard %" PRIu64 ", at the end %" PRIu64 ", before what it does not see %" PRIu64
           "; replayed events %" PRIu64 ", recordings diverged %" PRIu64
           ", dispatches unexamined %" PRIu64 "\n",
           device_name, s.app_allocations, s.vendor_allocations, s.app_frees, s.vendor_frees,
           s.app_submits, s.vendor_submits, s.app_dispatches, s.vendor_dispatches,
           s.app_barriers, s.vendor_barriers, s.app_descriptor_writes,
           s.vendor_descriptor_writes, s.batches_flushed[KRONOS_FLUSH_FULL],
           s.batches_flushed[KRONOS_FLUSH_OBSERVED], s.batches_flushed[KRONOS_FLUSH_TIMEOUT],
           s.batches_flushed[KRONOS_FLUSH_IDLE], s.pool_bytes_reserved, s.pool_bytes_in_use,
           s.descriptor_cache_hits, s.descriptor_cache_misses, s.descriptor_cache_evictions,
           s.vendor_descriptor_sets_live, s.descriptor_cache_bytes, s.descriptor_pushes,
           s.barriers_dropped, s.barriers_merged, s.barriers_emitted[KRONOS_BARRIER_HAZARD],
           s.barriers_emitted[KRONOS_BARRIER_END], unseen, s.barrier_events_replayed,
           s.barrier_replays_diverged, s.barrier_dispatches_unexamined);
}
