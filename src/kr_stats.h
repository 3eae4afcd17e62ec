/* SPDX-License-Identifier: MIT */
/* Per-device statistics: Kronos's own accounting of the calls the application made and the
 * calls that reached the vendor (read through vkGetDeviceStatisticsKRONOS). */
#ifndef KR_STATS_H
#define KR_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kronos/kronos.h"

enum kr_stat {
   KR_STAT_APP_ALLOCATIONS,
   KR_STAT_VENDOR_ALLOCATIONS,
   KR_STAT_APP_FREES,
   KR_STAT_VENDOR_FREES,
   KR_STAT_APP_SUBMITS,
   KR_STAT_VENDOR_SUBMITS,
   KR_STAT_APP_BARRIERS,
   KR_STAT_VENDOR_BARRIERS,
   KR_STAT_APP_DISPATCHES,
   KR_STAT_VENDOR_DISPATCHES,
   KR_STAT_APP_DESCRIPTOR_WRITES,
   KR_STAT_VENDOR_DESCRIPTOR_WRITES,
   KR_STAT_FLUSH_FULL,
   KR_STAT_FLUSH_OBSERVED,
   KR_STAT_FLUSH_TIMEOUT,
   KR_STAT_FLUSH_IDLE,
   KR_STAT_POOL_BYTES_RESERVED,
   KR_STAT_POOL_BYTES_IN_USE,
   KR_STAT_DESCRIPTOR_CACHE_HITS,
   KR_STAT_DESCRIPTOR_CACHE_MISSES,
   KR_STAT_DESCRIPTOR_CACHE_EVICTIONS,
   KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE, /* the cache's vendor sets (a gauge) */
   KR_STAT_DESCRIPTOR_CACHE_BYTES,      /* host memory of the cache's entries (a gauge) */
   KR_STAT_DESCRIPTOR_PUSHES,           /* vkCmdPushDescriptorSet* calls forwarded */
   KR_STAT_BARRIERS_DROPPED,
   KR_STAT_BARRIERS_MERGED,
   KR_STAT_BARRIER_EVENTS_REPLAYED,
   KR_STAT_BARRIER_REPLAYS_DIVERGED,
   KR_STAT_BARRIERS_EMITTED, /* KRONOS_BARRIER_REASON_COUNT counters, by reason */
   KR_STAT_COUNT = KR_STAT_BARRIERS_EMITTED + KRONOS_BARRIER_REASON_COUNT
};

struct kr_stats {
   _Atomic uint64_t counters[KR_STAT_COUNT];
};

/* Relaxed: counters are statistics, not synchronization. */
static inline void
kr_stats_add(struct kr_stats *stats, enum kr_stat stat, uint64_t amount)
{
   atomic_fetch_add_explicit(&stats->counters[stat], amount, memory_order_relaxed);
}

/* Commands recorded into one command buffer, added to the device when recording ends. */
struct kr_record_counts {
   uint32_t barriers;        /* the application's */
   uint32_t vendor_barriers; /* barrier commands given to the vendor */
   uint32_t barriers_dropped, barriers_merged;
   uint32_t barriers_emitted[KRONOS_BARRIER_REASON_COUNT]; /* by the policy, by reason */
   uint32_t barrier_events_replayed, barrier_replays_diverged;
   uint32_t dispatches;
   uint32_t vendor_dispatches; /* those forwarded (none after a failed command) */
   uint32_t descriptor_writes;
   uint32_t descriptor_pushes;
   /* Binds of a set whose cached vendor set the command buffer already held (no lookup);
    * added to the statistics by kr_descriptor_bind.c when the holds move or go. */
   uint32_t descriptor_cache_hits;
};

void kr_stats_add_recorded(struct kr_stats *stats, const struct kr_record_counts *counts);

/* Fills the public structure; VK_ERROR_INITIALIZATION_FAILED for an unknown version. */
VkResult kr_stats_read(const struct kr_stats *stats, VkKronosDeviceStatistics *out);

/* vkGetDeviceStatisticsKRONOS: Kronos's own device-level function (not in vk.xml). */
VKAPI_ATTR VkResult VKAPI_CALL kr_GetDeviceStatisticsKRONOS(VkDevice device,
                                                            VkKronosDeviceStatistics *stats);

/* Prints the statistics to stderr (KRONOS_STATS=1 asks for this at vkDestroyDevice). */
void kr_stats_print(const struct kr_stats *stats, const char *device_name);

#endif
