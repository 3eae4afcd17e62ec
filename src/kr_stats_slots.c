/* SPDX-License-Identifier: MIT */
/* Threads' own slots of a device's statistics (kr_stats.h): claiming one, and each thread's
 * memory of the slots it has. */
#include "kr_stats.h"

_Thread_local struct kr_stats_thread_cache kr_stats_thread_last
   __attribute__((tls_model("initial-exec")));

/* A thread's slots of the last few devices it added to, besides the last one. */
#define THREAD_CACHE_SIZE 4
static _Thread_local struct kr_stats_thread_cache thread_cache[THREAD_CACHE_SIZE];
static _Thread_local unsigned thread_cache_next;

/* Its address names the thread while it lives. A thread that starts after another ended may get
 * the same address, and then the slots the ended thread owned: nothing writes them any more. */
static _Thread_local char thread_token;

static _Atomic uint64_t next_serial = 1;

void
kr_stats_init(struct kr_stats *stats)
{
   stats->serial = atomic_fetch_add_explicit(&next_serial, 1, memory_order_relaxed);
}

static struct kr_stats_slot *
claim(struct kr_stats *stats)
{
   uintptr_t token = (uintptr_t)&thread_token;
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++) {
      if (atomic_load_explicit(&stats->slots[i].owner, memory_order_relaxed) == token)
         return &stats->slots[i]; /* this thread's (or an ended thread's at its address) */
   }
   /* Only slots that look free are tried: a failed compare-exchange still locks the line. */
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++) {
      uintptr_t free_owner = 0;
      if (atomic_load_explicit(&stats->slots[i].owner, memory_order_relaxed) == 0 &&
          atomic_compare_exchange_strong_explicit(&stats->slots[i].owner, &free_owner, token,
                                                  memory_order_relaxed, memory_order_relaxed))
         return &stats->slots[i];
   }
   return NULL;
}

struct kr_stats_slot *
kr_stats_thread_slot(struct kr_stats *stats)
{
   if (!stats->serial)
      return NULL;
   struct kr_stats_thread_cache *found = NULL;
   for (unsigned i = 0; i < THREAD_CACHE_SIZE && !found; i++) {
      if (thread_cache[i].serial == stats->serial)
         found = &thread_cache[i];
   }
   if (!found) {
      /* No slot (every one has another owner) is remembered too: slots are never given back,
       * so such a thread adds to the shared counters from then on without looking again. */
      found = &thread_cache[thread_cache_next++ % THREAD_CACHE_SIZE];
      *found = (struct kr_stats_thread_cache){stats->serial, claim(stats)};
   }
   kr_stats_thread_last = *found;
   return found->slot;
}

void
kr_stats_add_local_slow(struct kr_stats *stats, enum kr_stat stat, uint64_t amount)
{
   struct kr_stats_slot *slot = kr_stats_thread_slot(stats);
   if (slot)
      kr_stats_slot_add(slot, stat, amount);
   else
      kr_stats_add(stats, stat, amount);
}
