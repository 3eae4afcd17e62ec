/* SPDX-License-Identifier: MIT */
/* The statistics' per-thread slots (kr_stats.h): adds from many threads at once, more threads
 * than slots, threads that end while others start, threads adding to several devices' stats in
 * turn, and reads while they add. Every add must be counted exactly once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "kr_stats.h"

#define ADDS 20000u

struct adder {
   struct kr_stats *stats[3];
   unsigned stats_count;
   uint64_t amount; /* per add; thread i adds i + 1, so a count lost or doubled shows */
};

static void *
add_many(void *arg)
{
   const struct adder *a = arg;
   for (unsigned i = 0; i < ADDS; i++) {
      /* Alternating devices, as a thread driving several would, so the thread's cache of its
       * last slot misses and finds the others again. */
      struct kr_stats *stats = a->stats[i % a->stats_count];
      kr_stats_add_local(stats, KR_STAT_APP_DESCRIPTOR_WRITES, a->amount);
      if (i % 1000 < a->stats_count) /* now and then the shared path, on each stats alike */
         kr_stats_add(stats, KR_STAT_APP_DESCRIPTOR_WRITES, a->amount);
   }
   return NULL;
}

static uint64_t
read_writes(const struct kr_stats *stats)
{
   VkKronosDeviceStatistics s = {.version = KRONOS_STATISTICS_VERSION};
   assert_int_equal(kr_stats_read(stats, &s), VK_SUCCESS);
   return s.app_descriptor_writes;
}

/* What `threads` adders, thread i adding i + 1 each time, give each stats in total. */
static uint64_t
expected_per_stats(unsigned threads, unsigned stats_count)
{
   uint64_t per_thread_adds = ADDS / stats_count + ADDS / 1000;
   uint64_t sum = 0;
   for (unsigned t = 0; t < threads; t++)
      sum += (t + 1) * per_thread_adds;
   return sum;
}

/* Three times as many threads as slots, all at once: the first KR_STATS_THREAD_SLOTS claim
 * slots, the rest add to the shared counter. */
static void
more_threads_than_slots(void **state)
{
   (void)state;
   static struct kr_stats stats;
   kr_stats_init(&stats);
   enum { THREADS = 3 * KR_STATS_THREAD_SLOTS };
   pthread_t threads[THREADS];
   struct adder adders[THREADS];
   for (unsigned t = 0; t < THREADS; t++) {
      adders[t] = (struct adder){.stats = {&stats}, .stats_count = 1, .amount = t + 1};
      assert_int_equal(pthread_create(&threads[t], NULL, add_many, &adders[t]), 0);
   }
   uint64_t previous = 0;
   for (unsigned r = 0; r < 200; r++) { /* reads while they add never go down */
      uint64_t now = read_writes(&stats);
      assert_true(now >= previous);
      previous = now;
   }
   for (unsigned t = 0; t < THREADS; t++)
      assert_int_equal(pthread_join(threads[t], NULL), 0);
   assert_int_equal(read_writes(&stats), expected_per_stats(THREADS, 1));
   unsigned owned = 0;
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++)
      owned += atomic_load(&stats.slots[i].owner) != 0;
   assert_int_equal(owned, KR_STATS_THREAD_SLOTS);
}

/* Waves of short-lived threads, each adding to two of three stats in turn: threads that end
 * leave their slots claimed, and a new thread with the same token takes its predecessor's. */
static void
threads_come_and_go(void **state)
{
   (void)state;
   static struct kr_stats stats[3];
   for (unsigned i = 0; i < 3; i++)
      kr_stats_init(&stats[i]);
   uint64_t expected[3] = {0};
   for (unsigned wave = 0; wave < 8; wave++) {
      enum { THREADS = 6 };
      pthread_t threads[THREADS];
      struct adder adders[THREADS];
      for (unsigned t = 0; t < THREADS; t++) {
         unsigned first = (wave + t) % 3;
         adders[t] = (struct adder){.stats = {&stats[first], &stats[(first + 1) % 3]},
                                    .stats_count = 2,
                                    .amount = t + 1};
         expected[first] += (t + 1) * expected_per_stats(1, 2);
         expected[(first + 1) % 3] += (t + 1) * expected_per_stats(1, 2);
         assert_int_equal(pthread_create(&threads[t], NULL, add_many, &adders[t]), 0);
      }
      for (unsigned t = 0; t < THREADS; t++)
         assert_int_equal(pthread_join(threads[t], NULL), 0);
   }
   for (unsigned i = 0; i < 3; i++)
      assert_int_equal(read_writes(&stats[i]), expected[i]);
}

/* What a thread that finds no free slot remembers: no slot for these stats, so that its next
 * adds go straight to the shared counters instead of looking for one again. */
static void *
add_past_the_slots(void *arg)
{
   struct kr_stats *stats = arg;
   kr_stats_add_local(stats, KR_STAT_APP_DESCRIPTOR_WRITES, 1);
   bool remembered = kr_stats_thread_last.serial == stats->serial && !kr_stats_thread_last.slot;
   kr_stats_add_local(stats, KR_STAT_APP_DESCRIPTOR_WRITES, 1);
   return (void *)(uintptr_t)remembered;
}

/* Every slot owned by another thread (tokens no thread has: thread tokens are addresses of
 * chars, these are odd numbers below any): a thread's adds go to the shared counters, it
 * remembers that, and every add counts. */
static void
threads_past_the_slots(void **state)
{
   (void)state;
   static struct kr_stats stats;
   kr_stats_init(&stats);
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++)
      atomic_store(&stats.slots[i].owner, 2 * i + 1);
   pthread_t late;
   void *remembered = NULL;
   assert_int_equal(pthread_create(&late, NULL, add_past_the_slots, &stats), 0);
   assert_int_equal(pthread_join(late, &remembered), 0);
   assert_true(remembered != NULL);
   assert_int_equal(read_writes(&stats), 2);
   assert_int_equal(atomic_load(&stats.counters[KR_STAT_APP_DESCRIPTOR_WRITES]), 2);
}

/* Stats that were never given a serial (kr_stats_init) have no slots: adds go to the shared
 * counters, and a thread's cache (zero-initialized) never takes them for its own. */
static void
stats_without_slots(void **state)
{
   (void)state;
   static struct kr_stats stats; /* zero: serial 0 */
   struct adder a = {.stats = {&stats}, .stats_count = 1, .amount = 3};
   add_many(&a);
   assert_int_equal(read_writes(&stats), 3 * expected_per_stats(1, 1));
   for (unsigned i = 0; i < KR_STATS_THREAD_SLOTS; i++)
      assert_int_equal(atomic_load(&stats.slots[i].owner), 0);
}

int
main(void)
{
   alarm(60); /* a thread that never ends fails the test rather than hanging it */
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(more_threads_than_slots),
      cmocka_unit_test(threads_come_and_go),
      cmocka_unit_test(threads_past_the_slots),
      cmocka_unit_test(stats_without_slots),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
