/* SPDX-License-Identifier: MIT */
/* Per-device statistics: Kronos's own accounting of the calls the application made and the
 * calls that reached the vendor (read through vkGetDeviceStatisticsKRONOS). */
#ifndef KR_STATS_H
#define KR_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_util.h"

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
   KR_STAT_BARRIER_DISPATCHES_UNEXAMINED,
   KR_STAT_BARRIERS_EMITTED, /* KRONOS_BARRIER_REASON_COUNT counters, by reason */
   KR_STAT_COUNT = KR_STAT_BARRIERS_EMITTED + KRONOS_BARRIER_REASON_COUNT
};

/* Counters that calls made outside command buffers add to many times a second
 * (vkUpdateDescriptorSets: its application descriptor writes) go to a slot of the calling
 * thread's own (kr_stats_add_local): there the add is a load and a store that no other thread
 * writes, where a counter all threads share takes a locked read-modify-write, which costs as
 * much as the rest of a two-descriptor update (about 8 ns on x86). A thread claims a slot of a
 * device at its first such add and keeps it, also after it ends (a thread that later gets the
 * same thread-local address takes it over); once KR_STATS_THREAD_SLOTS slots are taken, other
 * threads add to the shared counters, as every thread did before slots. A read sums the shared
 * counters and every slot. */
#define KR_STATS_THREAD_SLOTS 16

struct kr_stats_slot {
   _Atomic uintptr_t owner; /* the owning thread's token (kr_stats_slots.c); 0: free */
   _Atomic uint64_t counters[KR_STAT_COUNT];
   /* Whole cache lines, so that two threads' counters share at most the line at the edge. */
   uint8_t pad[KR_CACHE_LINE - (sizeof(uintptr_t) + sizeof(uint64_t) * KR_STAT_COUNT) %
                                  KR_CACHE_LINE];
};

struct kr_stats {
   _Atomic uint64_t counters[KR_STAT_COUNT];
   /* Unique in the process for the life of the stats (kr_stats_init; 0: no thread slots): how
    * a thread's cache finds its slot, and never a dead device's. */
   uint64_t serial;
   struct kr_stats_slot slots[KR_STATS_THREAD_SLOTS];
};

void kr_stats_init(struct kr_stats *stats);

/* Relaxed: counters are statistics, not synchronization. */
static inline void
kr_stats_add(struct kr_stats *stats, enum kr_stat stat, uint64_t amount)
{
   atomic_fetch_add_explicit(&stats->counters[stat], amount, memory_order_relaxed);
}

/* The calling thread's last slot (NULL: none to be had), by the serial of the stats it belongs
 * to. Initial-exec: read at a fixed offset from the thread pointer instead of through
 * __tls_get_addr, as Mesa's drivers read theirs; the library's thread-local storage (under 100
 * bytes) then comes from the static TLS that the C library keeps for libraries loaded later. */
struct kr_stats_thread_cache {
   uint64_t serial;
   struct kr_stats_slot *slot;
};
extern _Thread_local struct kr_stats_thread_cache kr_stats_thread_last
   __attribute__((tls_model("initial-exec")));

/* The calling thread's slot in stats, claimed at its first use; NULL when every slot had another
 * owner then (remembered: the thread does not look again), or stats has no slots. */
struct kr_stats_slot *kr_stats_thread_slot(struct kr_stats *stats);

/* Adds to the slot's counter. Only the owner writes a slot, so its load and store lose no other
 * thread's add; readers load. */
static inline void
kr_stats_slot_add(struct kr_stats_slot *slot, enum kr_stat stat, uint64_t amount)
{
   _Atomic uint64_t *counter = &slot->counters[stat];
   atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + amount,
                         memory_order_relaxed);
}

/* kr_stats_add_local when the calling thread's last slot is not of these stats: finds (or
 * claims) its slot, and adds there or, without one, to the shared counter. */
void kr_stats_add_local_slow(struct kr_stats *stats, enum kr_stat stat, uint64_t amount);

/* kr_stats_add for a counter the calling thread adds to often: into its own slot. Inline only
 * the common case, and the rest a call that may be a tail call, so a caller that adds last
 * keeps no registers across a call for it. */
static inline void
kr_stats_add_local(struct kr_stats *stats, enum kr_stat stat, uint64_t amount)
{
   if (kr_stats_thread_last.serial != stats->serial || !stats->serial) {
      kr_stats_add_local_slow(stats, stat, amount);
      return;
   }
   struct kr_stats_slot *slot = kr_stats_thread_last.slot;
   if (slot)
      kr_stats_slot_add(slot, stat, amount);
   else
      kr_stats_add(stats, stat, amount);
}

/* Commands recorded into one command buffer, added to the device when recording ends. */
struct kr_record_counts {
   uint32_t barriers;        /* the application's */
   uint32_t vendor_barriers; /* barrier commands given to the vendor */
   uint32_t barriers_dropped, barriers_merged;
   uint32_t barriers_emitted[KRONOS_BARRIER_REASON_COUNT]; /* by the policy, by reason */
   uint32_t barrier_events_replayed, barrier_replays_diverged;
   uint32_t descriptor_writes;
   uint32_t descriptor_pushes;
   /* Last, together: what the common commands count (kr_command_buffer keeps them in a cache
    * line with the barrier policy's state). */
   uint32_t dispatches;
   uint32_t vendor_dispatches; /* those forwarded (none after a failed command) */
   uint32_t barrier_dispatches_unexamined;
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
