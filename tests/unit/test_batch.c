/* SPDX-License-Identifier: MIT */
/* Unit tests of the submit batching state machine (kr_batch): every flush trigger, the merging
 * rules of the vendor submit plan (VkSubmitInfo2 and its arrays), ordering and timeline values
 * across flushes, the points submits complete at (where the driver's fences become pending),
 * the time bound with an injected clock, allocation failure, and a randomized run against a
 * simple reference model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_batch.h"
#include "test_counting.h"
#include "test_random.h"

#define TIMELINE 1000u
#define SEM_A 2000u
#define SEM_B 2001u

static void *
handle(uintptr_t n)
{
   return (void *)n;
}

/* A point id as the vendor handle the plan carries. */
static VkSemaphore
sem(uint64_t id)
{
   return (VkSemaphore)(uintptr_t)id;
}

/* The driver's fence model: a fence pending on a point is signalled once the point's timeline
 * completed the point's value. */
static bool
point_done(struct kr_batch_point point, uint64_t completed)
{
   return completed >= point.value;
}

static struct kr_batch_submit
plain_submit(void *const *cbs, uint32_t count)
{
   return (struct kr_batch_submit){.command_buffer_count = count, .command_buffers = cbs};
}

/* Appends; the point the submit completes at (where its fence becomes pending) must be the
 * batch's pending point. */
static bool
append_point(struct kr_batch *b, const struct kr_batch_submit *s, uint64_t now,
             struct kr_batch_point *point)
{
   bool flush_now = false;
   struct kr_batch_point p = {0, UINT64_MAX, UINT64_MAX};
   assert_int_equal(kr_batch_append(b, s, &p, now, &flush_now), VK_SUCCESS);
   assert_int_equal(p.semaphore, TIMELINE);
   assert_int_equal(p.value, b->next_value);
   assert_int_equal(p.stage, 0);
   struct kr_batch_point pending = kr_batch_pending_point(b);
   assert_memory_equal(&pending, &p, sizeof(p));
   if (point)
      *point = p;
   return flush_now;
}

static bool
append(struct kr_batch *b, const struct kr_batch_submit *s, uint64_t now)
{
   return append_point(b, s, now, NULL);
}

/* The signal info i ends with, or NULL. */
static const VkSemaphoreSubmitInfo *
info_last_signal(const struct kr_batch_flush_plan *plan, uint32_t i)
{
   const VkSubmitInfo2 *info = &plan->infos[i];
   if (info->signalSemaphoreInfoCount == 0)
      return NULL;
   return &info->pSignalSemaphoreInfos[info->signalSemaphoreInfoCount - 1];
}

/* The timeline value info i signals (its last signal, on the plan's timeline), else 0. */
static uint64_t
info_timeline_value(const struct kr_batch_flush_plan *plan, uint32_t i)
{
   const VkSemaphoreSubmitInfo *last = info_last_signal(plan, i);
   if (!last || last->semaphore != sem(plan->timeline))
      return 0;
   assert_int_equal(last->stageMask, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
   assert_true(last->value > 0);
   return last->value;
}

/* The signals of info i that are its submit's own (all but its timeline signal). */
static uint32_t
info_own_signal_count(const struct kr_batch_flush_plan *plan, uint32_t i)
{
   return plan->infos[i].signalSemaphoreInfoCount - (info_timeline_value(plan, i) != 0);
}

static uint32_t
plan_wait_count(const struct kr_batch_flush_plan *plan)
{
   uint32_t n = 0;
   for (uint32_t i = 0; i < plan->info_count; i++)
      n += plan->infos[i].waitSemaphoreInfoCount;
   return n;
}

static uint32_t
plan_own_signal_count(const struct kr_batch_flush_plan *plan)
{
   uint32_t n = 0;
   for (uint32_t i = 0; i < plan->info_count; i++)
      n += info_own_signal_count(plan, i);
   return n;
}

/* The plan's semaphore entry is the point, as a vendor handle. */
static void
assert_semaphore(const VkSemaphoreSubmitInfo *si, struct kr_batch_point point)
{
   assert_int_equal(si->sType, VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO);
   assert_null(si->pNext);
   assert_ptr_equal(si->semaphore, sem(point.semaphore));
   assert_int_equal(si->value, point.value);
   assert_int_equal(si->stageMask, point.stage);
   assert_int_equal(si->deviceIndex, 0);
}

/* Info i has count command buffers, from the plan's command buffer first on. */
static void
assert_info_cbs(const struct kr_batch_flush_plan *plan, uint32_t i, uint32_t first,
                uint32_t count)
{
   assert_int_equal(plan->infos[i].commandBufferInfoCount, count);
   if (count)
      assert_ptr_equal(plan->infos[i].pCommandBufferInfos, &plan->command_buffers[first]);
}

/* What every plan must be: well-formed Vulkan structures whose arrays point into the plan's
 * own, in order and without overlap (each info's waits, then its signals, its timeline signal
 * last); only an info's last signal may be on the timeline (the tests never signal the
 * timeline themselves); the last info signals plan->value. */
static void
check_plan_layout(const struct kr_batch_flush_plan *plan)
{
   uint32_t cb = 0, sems = 0;
   for (uint32_t i = 0; i < plan->info_count; i++) {
      const VkSubmitInfo2 *info = &plan->infos[i];
      assert_int_equal(info->sType, VK_STRUCTURE_TYPE_SUBMIT_INFO_2);
      assert_null(info->pNext);
      assert_info_cbs(plan, i, cb, info->commandBufferInfoCount);
      for (uint32_t k = 0; k < info->commandBufferInfoCount; k++) {
         const VkCommandBufferSubmitInfo *c = &info->pCommandBufferInfos[k];
         assert_int_equal(c->sType, VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO);
         assert_null(c->pNext);
         assert_int_equal(c->deviceMask, 0);
      }
      cb += info->commandBufferInfoCount;
      assert_true(cb <= plan->command_buffer_count);
      if (info->waitSemaphoreInfoCount)
         assert_ptr_equal(info->pWaitSemaphoreInfos, &plan->semaphores[sems]);
      for (uint32_t k = 0; k < info->waitSemaphoreInfoCount; k++) {
         const VkSemaphoreSubmitInfo *w = &info->pWaitSemaphoreInfos[k];
         assert_int_equal(w->sType, VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO);
         assert_null(w->pNext);
         assert_int_equal(w->deviceIndex, 0);
      }
      sems += info->waitSemaphoreInfoCount;
      if (info->signalSemaphoreInfoCount)
         assert_ptr_equal(info->pSignalSemaphoreInfos, &plan->semaphores[sems]);
      for (uint32_t k = 0; k < info->signalSemaphoreInfoCount; k++) {
         const VkSemaphoreSubmitInfo *sg = &info->pSignalSemaphoreInfos[k];
         assert_int_equal(sg->sType, VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO);
         assert_null(sg->pNext);
         assert_int_equal(sg->deviceIndex, 0);
         if (k + 1 < info->signalSemaphoreInfoCount)
            assert_true(sg->semaphore != sem(plan->timeline));
      }
      sems += info->signalSemaphoreInfoCount;
      assert_true(sems <= plan->semaphore_count);
      (void)info_timeline_value(plan, i); /* checks the stage */
   }
   assert_int_equal(cb, plan->command_buffer_count);
   assert_int_equal(sems, plan->semaphore_count);
   if (plan->info_count)
      assert_int_equal(info_timeline_value(plan, plan->info_count - 1), plan->value);
}

static uint64_t
flush(struct kr_batch *b, enum kr_flush_reason reason, struct kr_batch_flush_plan *plan)
{
   const bool empty = kr_batch_is_empty(b);
   const uint64_t flushed = b->flushed_value;
   uint64_t value = UINT64_MAX;
   assert_int_equal(kr_batch_flush(b, reason, plan, &value), VK_SUCCESS);
   assert_int_equal(value, plan->value);
   assert_int_equal(plan->timeline, b->timeline);
   assert_int_equal(plan->reason, reason);
   if (empty) {
      assert_int_equal(plan->info_count, 0);
      assert_int_equal(plan->command_buffer_count, 0);
      assert_int_equal(plan->semaphore_count, 0);
      assert_int_equal(plan->first_value, flushed);
      assert_int_equal(value, flushed);
   } else {
      assert_true(plan->info_count > 0);
      assert_int_equal(plan->first_value, flushed + 1);
      assert_true(value >= plan->first_value);
   }
   check_plan_layout(plan);
   return value;
}

/* Checks the timeline signals of a plan: the non-zero timeline values of its infos are exactly
 * first, first + 1, ..., plan->value, in order, the last info signalling plan->value. */
static void
check_plan_values(const struct kr_batch_flush_plan *plan, uint64_t first)
{
   assert_true(plan->info_count > 0);
   assert_int_equal(plan->first_value, first);
   uint64_t expect = first;
   for (uint32_t i = 0; i < plan->info_count; i++) {
      if (info_timeline_value(plan, i))
         assert_int_equal(info_timeline_value(plan, i), expect++);
   }
   assert_int_equal(expect, plan->value + 1);
   assert_int_equal(info_timeline_value(plan, plan->info_count - 1), plan->value);
}

static void
setup_batch(struct kr_batch *b, struct kr_batch_flush_plan *plan, uint32_t limit,
            uint64_t bound)
{
   struct kr_batch_settings settings = {.limit = limit, .time_bound_ns = bound};
   kr_batch_init(b, NULL, TIMELINE, &settings);
   kr_batch_flush_plan_init(plan, NULL);
}

static void
teardown_batch(struct kr_batch *b, struct kr_batch_flush_plan *plan)
{
   kr_batch_finish(b);
   kr_batch_flush_plan_finish(plan);
}

static void
trigger_full(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 3, UINT64_MAX);
   void *cbs[] = {handle(1)};
   struct kr_batch_submit s = plain_submit(cbs, 1);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_FULL, 0));
   assert_false(append(&b, &s, 0));
   assert_false(append(&b, &s, 0));
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_FULL, 0));
   assert_true(append(&b, &s, 0));
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_FULL, 0));
   assert_int_equal(flush(&b, KR_FLUSH_FULL, &plan), 1);
   assert_int_equal(plan.info_count, 1);
   assert_int_equal(plan.command_buffer_count, 3);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_FULL, 0));
   assert_int_equal(b.stats.flushes[KR_FLUSH_FULL], 1);
   assert_int_equal(b.stats.app_submits, 3);
   assert_int_equal(b.stats.vendor_submits, 1);
   teardown_batch(&b, &plan);
}

static void
trigger_observed(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   void *cbs[] = {handle(7), handle(8)};
   uint64_t res[] = {42};
   struct kr_batch_point sig = {SEM_A, 0};
   struct kr_batch_point wait = {SEM_B, 5};
   struct kr_batch_submit s = plain_submit(cbs, 2);
   s.resource_count = 1;
   s.resources = res;
   s.signal_count = 1;
   s.signals = &sig;
   s.wait_count = 1;
   s.waits = &wait;

   /* Nothing to observe in an empty batch. */
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_OBSERVED, 0));
   assert_false(kr_batch_observes_point(&b, kr_batch_pending_point(&b)));
   assert_false(kr_batch_uses_resource(&b, 42));

   struct kr_batch_point fence;
   assert_false(append_point(&b, &s, 0, &fence));
   /* Wait idle, query results, events, bind sparse. */
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_OBSERVED, 0));
   /* Fence wait/status and a cross-queue (or same-queue) wait on the batch's point. */
   assert_true(kr_batch_observes_point(&b, fence));
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, 0}));
   /* A semaphore the batch signals; not one it only waits on or never names. */
   assert_true(kr_batch_observes_point(&b, sig));
   assert_false(kr_batch_observes_point(&b, wait));
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){4242, 1}));
   /* Destroying what the batch uses. */
   assert_true(kr_batch_uses_resource(&b, 42));
   assert_true(kr_batch_uses_resource(&b, 7));
   assert_true(kr_batch_uses_resource(&b, 8));
   assert_true(kr_batch_uses_resource(&b, SEM_A));
   assert_true(kr_batch_uses_resource(&b, SEM_B));
   assert_false(kr_batch_uses_resource(&b, 43));

   uint64_t v = flush(&b, KR_FLUSH_OBSERVED, &plan);
   assert_int_equal(v, fence.value);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_OBSERVED, 0));
   assert_false(kr_batch_observes_point(&b, fence));
   assert_false(kr_batch_observes_point(&b, sig));
   assert_false(kr_batch_uses_resource(&b, 42));
   assert_false(kr_batch_uses_resource(&b, 7));
   /* The plan hands back the resources of the flushed submits (whom a refused flush concerns). */
   assert_int_equal(plan.resource_count, 1);
   assert_int_equal(plan.resources[0], 42);
   assert_int_equal(b.stats.flushes[KR_FLUSH_OBSERVED], 1);
   teardown_batch(&b, &plan);
}

static void
trigger_timeout(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, 50000);
   void *cbs[] = {handle(1)};
   struct kr_batch_submit s = plain_submit(cbs, 1);
   uint64_t now = 1000000;
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 1000000));
   append(&b, &s, now);
   append(&b, &s, now + 40000); /* the oldest submit sets the deadline */
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now));
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 49999));
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 50000));
   /* A clock read before the append (another thread's) never times out. */
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now - 1));
   flush(&b, KR_FLUSH_TIMEOUT, &plan);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 100000));
   /* The next batch's clock starts at its first submit. */
   append(&b, &s, now + 90000);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 139999));
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 140000));
   flush(&b, KR_FLUSH_TIMEOUT, &plan);
   assert_int_equal(b.stats.flushes[KR_FLUSH_TIMEOUT], 2);
   assert_int_equal(b.stats.flushes[KR_FLUSH_FULL], 0);
   assert_int_equal(b.stats.flushes[KR_FLUSH_OBSERVED], 0);
   teardown_batch(&b, &plan);
}

static void
empty_flush_and_empty_submits(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   /* An empty batch flushes nothing and signals nothing new. */
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 0);
   assert_int_equal(plan.info_count, 0);
   assert_int_equal(b.stats.vendor_submits, 0);
   /* Submits with no command buffers still get one info so that their fences signal. */
   struct kr_batch_submit s = plain_submit(NULL, 0);
   struct kr_batch_point f1, f2;
   append_point(&b, &s, 0, &f1);
   append_point(&b, &s, 0, &f2);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   assert_int_equal(plan.info_count, 1);
   assert_int_equal(plan.infos[0].commandBufferInfoCount, 0);
   assert_int_equal(info_timeline_value(&plan, 0), 1);
   assert_int_equal(f1.value, 1);
   assert_int_equal(f2.value, 1);
   assert_false(point_done(f1, 0));
   assert_true(point_done(f1, 1));
   assert_true(point_done(f2, 1));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   assert_int_equal(plan.info_count, 0);
   teardown_batch(&b, &plan);
}

/* Plain, plain, waits, plain, signals, signals, plain, plain, waits+signals, plain. */
static void
merging_rules(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   static const char kinds[] = "ppwpssppbp";
   const uint32_t n = sizeof(kinds) - 1;
   void *cbs[sizeof(kinds) - 1][2];
   for (uint32_t i = 0; i < n; i++) {
      cbs[i][0] = handle(100 + 2 * i);
      cbs[i][1] = handle(101 + 2 * i);
      struct kr_batch_point w = {SEM_A, i}, sg = {SEM_B, i};
      struct kr_batch_submit s = plain_submit(cbs[i], 2);
      if (kinds[i] == 'w' || kinds[i] == 'b') {
         s.wait_count = 1;
         s.waits = &w;
      }
      if (kinds[i] == 's' || kinds[i] == 'b') {
         s.signal_count = 1;
         s.signals = &sg;
      }
      append(&b, &s, 0);
   }
   /* The waiting submits (w, b) open values 2 and 3. */
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 3);
   /* Infos: [pp] [w] [p] [s] [s] [pp] [b] [p]; the infos before each waiting submit signal the
    * value it closes, the last one the batch's last value. */
   static const uint32_t expect_submits[] = {2, 1, 1, 1, 1, 2, 1, 1};
   static const uint64_t expect_values[] = {1, 0, 0, 0, 0, 2, 0, 3};
   assert_int_equal(plan.info_count, 8);
   assert_int_equal(plan.command_buffer_count, 2 * n);
   for (uint32_t i = 0; i < plan.command_buffer_count; i++)
      assert_ptr_equal(plan.command_buffers[i].commandBuffer, handle(100 + i));
   uint32_t cb = 0, submit = 0;
   for (uint32_t i = 0; i < plan.info_count; i++) {
      const VkSubmitInfo2 *info = &plan.infos[i];
      assert_info_cbs(&plan, i, cb, 2 * expect_submits[i]);
      char kind = kinds[submit];
      assert_int_equal(info->waitSemaphoreInfoCount, kind == 'w' || kind == 'b');
      assert_int_equal(info_own_signal_count(&plan, i), kind == 's' || kind == 'b');
      if (info->waitSemaphoreInfoCount)
         assert_semaphore(&info->pWaitSemaphoreInfos[0],
                          (struct kr_batch_point){SEM_A, submit, 0});
      if (info_own_signal_count(&plan, i))
         assert_semaphore(&info->pSignalSemaphoreInfos[0],
                          (struct kr_batch_point){SEM_B, submit, 0});
      assert_int_equal(info_timeline_value(&plan, i), expect_values[i]);
      assert_int_equal(info->flags, 0);
      cb += info->commandBufferInfoCount;
      submit += expect_submits[i];
   }
   assert_int_equal(plan_wait_count(&plan), 2);
   assert_int_equal(plan_own_signal_count(&plan), 3);
   assert_int_equal(plan.semaphore_count, 2 + 3 + 3);
   assert_int_equal(b.stats.vendor_infos, 8);
   teardown_batch(&b, &plan);
}

static void
ordering_across_flushes(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 7, UINT64_MAX);
   uintptr_t next_cb = 1, seen_cb = 1;
   uint64_t last_value = 0;
   for (uint32_t i = 0; i < 1000; i++) {
      void *cbs[3] = {handle(next_cb), handle(next_cb + 1), handle(next_cb + 2)};
      uint32_t count = i % 4 == 3 ? 0 : 1 + i % 3;
      next_cb += count;
      struct kr_batch_submit s = plain_submit(cbs, count);
      struct kr_batch_point f;
      bool full = append_point(&b, &s, i, &f);
      assert_int_equal(f.value, last_value + 1);
      if (full || i % 5 == 0) {
         uint64_t v = flush(&b, full ? KR_FLUSH_FULL : KR_FLUSH_OBSERVED, &plan);
         assert_int_equal(v, last_value + 1);
         last_value = v;
         assert_int_equal(b.flushed_value, v);
         assert_int_equal(b.next_value, v + 1);
         for (uint32_t j = 0; j < plan.command_buffer_count; j++)
            assert_ptr_equal(plan.command_buffers[j].commandBuffer, handle(seen_cb++));
      }
   }
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   for (uint32_t j = 0; j < plan.command_buffer_count; j++)
      assert_ptr_equal(plan.command_buffers[j].commandBuffer, handle(seen_cb++));
   assert_int_equal(seen_cb, next_cb);
   teardown_batch(&b, &plan);
}

static void
limit_one(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 0 /* counts as 1 */, UINT64_MAX);
   for (uintptr_t i = 1; i <= 50; i++) {
      void *cbs[] = {handle(i)};
      struct kr_batch_submit s = plain_submit(cbs, 1);
      struct kr_batch_point f;
      assert_true(append_point(&b, &s, 0, &f));
      assert_int_equal(flush(&b, KR_FLUSH_FULL, &plan), i);
      assert_int_equal(f.value, i);
      assert_int_equal(plan.info_count, 1);
      assert_int_equal(plan.command_buffer_count, 1);
      assert_ptr_equal(plan.command_buffers[0].commandBuffer, handle(i));
      assert_int_equal(info_timeline_value(&plan, 0), i);
   }
   assert_int_equal(b.stats.app_submits, 50);
   assert_int_equal(b.stats.vendor_submits, 50);
   assert_int_equal(b.stats.flushes[KR_FLUSH_FULL], 50);
   teardown_batch(&b, &plan);
}

/* The point a submit completes at: where its fence (and its binary semaphore signals) become
 * pending in the driver, signalled once the batch's timeline completed the point's value. */
static void
submit_points(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);

   /* An empty batch: the point the next submit gets, which nothing observes yet. */
   struct kr_batch_point next = kr_batch_pending_point(&b);
   assert_int_equal(next.semaphore, TIMELINE);
   assert_int_equal(next.value, 1);
   assert_false(kr_batch_observes_point(&b, next));

   /* Pending on the batch, signalled once the flushed value completes. */
   struct kr_batch_submit s = plain_submit(NULL, 0);
   struct kr_batch_point f;
   append_point(&b, &s, 0, &f);
   assert_memory_equal(&f, &next, sizeof(f));
   assert_int_equal(f.semaphore, TIMELINE);
   assert_int_equal(f.value, 1);
   assert_true(kr_batch_observes_point(&b, f));
   assert_false(point_done(f, 0));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), f.value);
   assert_false(kr_batch_observes_point(&b, f));
   assert_false(point_done(f, 0));
   assert_true(point_done(f, 1));

   /* A submit without a fence (point NULL) is appended all the same, at the pending point. */
   bool flush_now = true;
   assert_int_equal(kr_batch_append(&b, &s, NULL, 0, &flush_now), VK_SUCCESS);
   assert_false(flush_now);
   assert_int_equal(b.record_count, 1);
   assert_int_equal(kr_batch_pending_point(&b).value, 2);
   assert_true(kr_batch_observes_point(&b, kr_batch_pending_point(&b)));
   assert_false(kr_batch_observes_point(&b, f));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 2);
   teardown_batch(&b, &plan);
}

/* A fence reused (reset and resubmitted) is pending on the new point its new submit returns. */
static void
point_reuse(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   struct kr_batch_submit s = plain_submit(NULL, 0);
   struct kr_batch_point f;

   append_point(&b, &s, 0, &f);
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   assert_false(point_done(f, 0));
   assert_true(point_done(f, 1));
   /* Later work on the timeline does not unsignal it. */
   assert_true(point_done(f, 5));

   /* Resubmitted in a later batch: a new point on a later value, not signalled by the old one,
    * while the old point stays signalled. */
   const struct kr_batch_point old = f;
   append(&b, &s, 0);
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   append_point(&b, &s, 0, &f);
   assert_int_equal(f.semaphore, TIMELINE);
   assert_int_equal(f.value, 3);
   assert_false(point_done(f, 1));
   assert_false(point_done(f, 2));
   assert_true(point_done(old, 2));
   assert_true(kr_batch_observes_point(&b, f));
   assert_false(kr_batch_observes_point(&b, old));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 3);
   assert_true(point_done(f, 3));

   /* Resubmitted within one batch: without a wait in between, the new submit completes at the
    * same point; after a waiting submit, at a new one the earlier point does not wait on. */
   const struct kr_batch_point wait = {SEM_A, 1, 0};
   struct kr_batch_submit ws = plain_submit(NULL, 0);
   ws.wait_count = 1;
   ws.waits = &wait;
   struct kr_batch_point g1, g2, g3;
   append_point(&b, &s, 0, &g1);
   append_point(&b, &s, 0, &g2);
   assert_memory_equal(&g1, &g2, sizeof(g1));
   assert_int_equal(g1.value, 4);
   append_point(&b, &ws, 0, &g3);
   assert_int_equal(g3.value, 5);
   assert_true(point_done(g1, 4));
   assert_false(point_done(g3, 4));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 5);
   check_plan_values(&plan, 4);
   assert_true(point_done(g3, 5));
   teardown_batch(&b, &plan);
}

static void
allocation_failure_and_callbacks(void **state)
{
   (void)state;
   struct test_counting c;
   VkAllocationCallbacks cb = test_counting_callbacks(&c);
   struct kr_batch_settings settings = {.limit = 1000, .time_bound_ns = UINT64_MAX};
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   kr_batch_init(&b, &cb, TIMELINE, &settings);
   kr_batch_flush_plan_init(&plan, &cb);

   void *cbs[] = {handle(1)};
   struct kr_batch_submit s = plain_submit(cbs, 1);
   /* A failed append hands out no point: the fence stays as it was. */
   struct kr_batch_point f = {7, 7, 7};
   bool flush_now = true;
   c.fail_after = 0;
   assert_int_equal(kr_batch_append(&b, &s, &f, 0, &flush_now), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_true(kr_batch_is_empty(&b));
   assert_int_equal(f.semaphore, 7);
   assert_int_equal(f.value, 7);
   assert_int_equal(f.stage, 7);
   assert_int_equal(b.stats.app_submits, 0);

   /* A waiting submit that fails to append opens no value and closes nothing. */
   c.fail_after = -1;
   append_point(&b, &s, 0, &f);
   assert_int_equal(f.value, 1);
   struct kr_batch_point w = {SEM_A, 1, 0};
   struct kr_batch_submit ws = plain_submit(cbs, 1);
   ws.wait_count = 1;
   ws.waits = &w;
   /* Room for 16 records, waits grow from 0: the wait array's first allocation fails. */
   c.fail_after = 0;
   struct kr_batch_point wp = {7, 7, 7};
   assert_int_equal(kr_batch_append(&b, &ws, &wp, 0, &flush_now), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(b.record_count, 1);
   assert_int_equal(b.next_value, 1);
   assert_int_equal(b.records[0].closes_value, 0);
   assert_int_equal(wp.semaphore, 7);
   assert_int_equal(wp.value, 7);
   assert_int_equal(wp.stage, 7);
   c.fail_after = -1;
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   assert_int_equal(plan.info_count, 1);
   assert_int_equal(info_timeline_value(&plan, 0), 1);
   assert_int_equal(plan.infos[0].waitSemaphoreInfoCount, 0);
   assert_int_equal(plan.infos[0].signalSemaphoreInfoCount, 1);
   assert_true(point_done(f, 1));

   /* Growth: many submits, many command buffers. */
   for (uintptr_t i = 1; i <= 300; i++) {
      void *one[] = {handle(i)};
      s = plain_submit(one, 1);
      append_point(&b, &s, 0, &f);
      assert_int_equal(f.value, 2);
   }
   c.fail_after = 0;
   uint64_t v = 0;
   assert_int_equal(kr_batch_flush(&b, KR_FLUSH_OBSERVED, &plan, &v),
                    VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(b.record_count, 300);
   assert_int_equal(b.flushed_value, 1);
   assert_int_equal(b.next_value, 2);
   assert_int_equal(b.records[299].closes_value, 0);
   assert_int_equal(b.stats.vendor_submits, 1);
   c.fail_after = -1;
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 2);
   assert_int_equal(plan.command_buffer_count, 300);
   for (uint32_t i = 0; i < 300; i++)
      assert_ptr_equal(plan.command_buffers[i].commandBuffer, handle(i + 1));

   kr_batch_finish(&b);
   kr_batch_flush_plan_finish(&plan);
   assert_int_equal(c.live, 0);
}

/* A submit that waits on a semaphore opens a new value when it joins a non-empty batch: the
 * fences of the submits before it complete at the lower value, which the plan signals before
 * the waiting submit's info. */
static void
waits_open_values(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   void *cbs[] = {handle(1), handle(2), handle(3), handle(4), handle(5), handle(6), handle(7)};
   const struct kr_batch_point wait_c = {SEM_A, 5, 0x10};
   const struct kr_batch_point sig_e = {SEM_B, 0, 0x20};
   const struct kr_batch_point wait_f = {SEM_A, 7, 0x40};
   const struct kr_batch_point sig_f = {SEM_B, 0, 0x80};
   /* The fences of A, B, C, D and G: the points their submits complete at. */
   struct kr_batch_point fa, fb, fc, fd, fg;
   struct kr_batch_point p;

   /* A, B: plain, value 1. */
   struct kr_batch_submit s = plain_submit(&cbs[0], 1);
   append_point(&b, &s, 0, &fa);
   assert_int_equal(fa.value, 1);
   s = plain_submit(&cbs[1], 1);
   append_point(&b, &s, 0, &fb);
   assert_int_equal(fb.value, 1);
   assert_int_equal(b.next_value, 1);
   assert_int_equal(b.records[1].closes_value, 0);

   /* C waits: opens value 2, B closes value 1. */
   s = plain_submit(&cbs[2], 1);
   s.wait_count = 1;
   s.waits = &wait_c;
   append_point(&b, &s, 0, &fc);
   assert_int_equal(fc.value, 2);
   assert_int_equal(fa.value, 1);
   assert_int_equal(fb.value, 1);
   assert_int_equal(b.next_value, 2);
   assert_int_equal(b.flushed_value, 0);
   assert_int_equal(b.records[0].closes_value, 0);
   assert_int_equal(b.records[1].closes_value, 1);
   assert_int_equal(b.records[2].closes_value, 0);
   /* Both pending values are observed; the waited semaphore is not. */
   assert_true(kr_batch_observes_point(&b, fa));
   assert_true(kr_batch_observes_point(&b, fc));
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, 0}));
   assert_false(kr_batch_observes_point(&b, wait_c));

   /* D plain, E signals: both value 2. */
   s = plain_submit(&cbs[3], 1);
   append_point(&b, &s, 0, &fd);
   assert_int_equal(fd.value, 2);
   s = plain_submit(&cbs[4], 1);
   s.signal_count = 1;
   s.signals = &sig_e;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 2);
   /* F waits and signals: opens value 3; G plain, value 3. */
   s = plain_submit(&cbs[5], 1);
   s.wait_count = 1;
   s.waits = &wait_f;
   s.signal_count = 1;
   s.signals = &sig_f;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 3);
   s = plain_submit(&cbs[6], 1);
   append_point(&b, &s, 0, &fg);
   assert_int_equal(fg.value, 3);
   assert_int_equal(b.record_count, 7);

   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 3);
   assert_int_equal(b.flushed_value, 3);
   assert_int_equal(b.next_value, 4);
   /* Infos: [A B] signals 1, [C] (waits), [D], [E] (signals SEM_B, then 2), [F], [G] signals 3. */
   static const uint32_t expect_cbs[] = {2, 1, 1, 1, 1, 1};
   static const uint32_t expect_waits[] = {0, 1, 0, 0, 1, 0};
   static const uint32_t expect_signals[] = {0, 0, 0, 1, 1, 0};
   static const uint64_t expect_values[] = {1, 0, 0, 2, 0, 3};
   assert_int_equal(plan.info_count, 6);
   assert_int_equal(plan.command_buffer_count, 7);
   uint32_t cb = 0;
   for (uint32_t i = 0; i < plan.info_count; i++) {
      const VkSubmitInfo2 *info = &plan.infos[i];
      assert_info_cbs(&plan, i, cb, expect_cbs[i]);
      assert_int_equal(info->waitSemaphoreInfoCount, expect_waits[i]);
      assert_int_equal(info_own_signal_count(&plan, i), expect_signals[i]);
      assert_int_equal(info_timeline_value(&plan, i), expect_values[i]);
      cb += info->commandBufferInfoCount;
   }
   for (uint32_t i = 0; i < plan.command_buffer_count; i++)
      assert_ptr_equal(plan.command_buffers[i].commandBuffer, cbs[i]);
   check_plan_values(&plan, 1);
   /* Waits and signals keep their semaphores, values and stages; E signals SEM_B before the
    * timeline. */
   assert_int_equal(plan_wait_count(&plan), 2);
   assert_int_equal(plan_own_signal_count(&plan), 2);
   assert_int_equal(plan.semaphore_count, 2 + 2 + 3);
   assert_semaphore(&plan.infos[1].pWaitSemaphoreInfos[0], wait_c);
   assert_semaphore(&plan.infos[4].pWaitSemaphoreInfos[0], wait_f);
   assert_semaphore(&plan.infos[3].pSignalSemaphoreInfos[0], sig_e);
   assert_semaphore(&plan.infos[4].pSignalSemaphoreInfos[0], sig_f);
   assert_semaphore(&plan.infos[3].pSignalSemaphoreInfos[1],
                    (struct kr_batch_point){TIMELINE, 2, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
   assert_int_equal(b.stats.vendor_submits, 1);
   assert_int_equal(b.stats.vendor_infos, 6);

   /* The earlier fences complete before the waits, the later ones only after. */
   assert_false(point_done(fa, 0));
   assert_true(point_done(fa, 1));
   assert_true(point_done(fb, 1));
   assert_false(point_done(fc, 1));
   assert_false(point_done(fd, 1));
   assert_true(point_done(fc, 2));
   assert_true(point_done(fd, 2));
   assert_false(point_done(fg, 2));
   assert_true(point_done(fg, 3));
   assert_false(kr_batch_observes_point(&b, fg));

   /* A waiting submit that starts a batch opens nothing: earlier submits are flushed. */
   s = plain_submit(&cbs[0], 1);
   s.wait_count = 1;
   s.waits = &wait_c;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 4);
   s.waits = &wait_f;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 5);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 5);
   assert_int_equal(plan.info_count, 2);
   assert_int_equal(info_timeline_value(&plan, 0), 4);
   assert_int_equal(info_timeline_value(&plan, 1), 5);
   check_plan_values(&plan, 4);
   teardown_batch(&b, &plan);
}

/* A submit whose command buffers wait on events opens a new value like a semaphore wait, but
 * has no semaphores: it starts a new info only because the record before it closed a value,
 * and plain submits after it join its info. */
static void
events_open_value(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   void *cbs[] = {handle(1), handle(2), handle(3), handle(4), handle(5), handle(6)};
   struct kr_batch_point p;

   /* An events submit starting the batch opens nothing. */
   struct kr_batch_submit s = plain_submit(&cbs[0], 1);
   s.waits_on_events = true;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 1);
   /* Plain, value 1: joins the events submit's info. */
   s = plain_submit(&cbs[1], 1);
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 1);
   /* Events: opens value 2. */
   s = plain_submit(&cbs[2], 1);
   s.waits_on_events = true;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 2);
   assert_int_equal(b.records[1].closes_value, 1);
   /* Two plain submits join it. */
   s = plain_submit(&cbs[3], 2);
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 2);
   s = plain_submit(NULL, 0);
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 2);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 2);
   assert_int_equal(plan.info_count, 2);
   assert_info_cbs(&plan, 0, 0, 2);
   assert_int_equal(info_timeline_value(&plan, 0), 1);
   assert_info_cbs(&plan, 1, 2, 3);
   assert_int_equal(info_timeline_value(&plan, 1), 2);
   assert_int_equal(plan.infos[1].waitSemaphoreInfoCount + info_own_signal_count(&plan, 1), 0);
   for (uint32_t i = 0; i < plan.command_buffer_count; i++)
      assert_ptr_equal(plan.command_buffers[i].commandBuffer, cbs[i]);
   check_plan_values(&plan, 1);

   /* After a submit that signals a semaphore: the signalling info closes value 3 after its
    * signal, the events submit gets value 4 in an info of its own. */
   const struct kr_batch_point sig = {SEM_B, 0, 0};
   s = plain_submit(&cbs[0], 1);
   s.signal_count = 1;
   s.signals = &sig;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 3);
   s = plain_submit(&cbs[1], 1);
   s.waits_on_events = true;
   append_point(&b, &s, 0, &p);
   assert_int_equal(p.value, 4);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 4);
   assert_int_equal(plan.info_count, 2);
   assert_int_equal(info_own_signal_count(&plan, 0), 1);
   assert_semaphore(&plan.infos[0].pSignalSemaphoreInfos[0], sig);
   assert_int_equal(info_timeline_value(&plan, 0), 3);
   assert_int_equal(info_own_signal_count(&plan, 1), 0);
   assert_info_cbs(&plan, 1, 1, 1);
   assert_int_equal(info_timeline_value(&plan, 1), 4);
   check_plan_values(&plan, 3);
   teardown_batch(&b, &plan);
}

/* Only plain submits with equal VkSubmitFlags share an info; the info carries the flags. */
static void
flags_prevent_merging(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   static const uint32_t flags[] = {0, 0, 1, 1, 0, 1, 1};
   static const bool signals[] = {false, false, false, false, false, true, false};
   const uint32_t n = sizeof(flags) / sizeof(flags[0]);
   void *cbs[sizeof(flags) / sizeof(flags[0])];
   const struct kr_batch_point sig = {SEM_B, 0, 0};
   for (uint32_t i = 0; i < n; i++) {
      cbs[i] = handle(10 + i);
      struct kr_batch_submit s = plain_submit(&cbs[i], 1);
      s.flags = flags[i];
      if (signals[i]) {
         s.signal_count = 1;
         s.signals = &sig;
      }
      append(&b, &s, 0);
   }
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   /* Infos: [0 0] [1 1] [0] [1 signals] [1]: no merge across flags, nor into a signalling
    * info; one value, signalled by the last info only. */
   static const uint32_t expect_cbs[] = {2, 2, 1, 1, 1};
   static const uint32_t expect_flags[] = {0, 1, 0, 1, 1};
   assert_int_equal(plan.info_count, 5);
   uint32_t cb = 0;
   for (uint32_t i = 0; i < plan.info_count; i++) {
      assert_info_cbs(&plan, i, cb, expect_cbs[i]);
      assert_int_equal(plan.infos[i].flags, expect_flags[i]);
      assert_int_equal(info_own_signal_count(&plan, i), i == 3);
      assert_int_equal(info_timeline_value(&plan, i), i == 4 ? 1 : 0);
      cb += expect_cbs[i];
   }
   check_plan_values(&plan, 1);
   teardown_batch(&b, &plan);
}

/* Issue 9: a value none of whose submits is observed (no fence, no point semaphore signal) is
 * not signalled on the timeline; a value with one observed submit is, after all its work; the
 * values still count (first_value ... value) and merging is unchanged. */
static void
unobserved_values_are_not_signalled(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   void *cbs[4] = {(void *)0x11, (void *)0x12, (void *)0x13, (void *)0x14};
   struct kr_batch_submit quiet = plain_submit(&cbs[0], 1);
   quiet.unobserved = true;
   /* One flush of unobserved submits: value 1, not signalled. */
   append(&b, &quiet, 0);
   append(&b, &quiet, 0);
   uint64_t value = 0;
   assert_int_equal(kr_batch_flush(&b, KR_FLUSH_OBSERVED, &plan, &value), VK_SUCCESS);
   assert_int_equal(value, 1);
   assert_int_equal(plan.first_value, 1);
   assert_int_equal(plan.info_count, 1);
   assert_int_equal(plan.infos[0].commandBufferInfoCount, 2);
   assert_int_equal(plan.infos[0].signalSemaphoreInfoCount, 0);
   assert_int_equal(plan.semaphore_count, 0);

   /* Value 2: unobserved then observed (a fence on the second): signalled once, after both.
    * Value 3 (opened by a wait): unobserved, not signalled; its info keeps its wait. */
   const struct kr_batch_point wait = {SEM_A, 7, 0};
   struct kr_batch_submit loud = plain_submit(&cbs[1], 1);
   struct kr_batch_submit waiting = plain_submit(&cbs[2], 1);
   waiting.wait_count = 1;
   waiting.waits = &wait;
   waiting.unobserved = true;
   append(&b, &quiet, 0);
   append(&b, &loud, 0);
   append(&b, &waiting, 0);
   assert_int_equal(kr_batch_flush(&b, KR_FLUSH_OBSERVED, &plan, &value), VK_SUCCESS);
   assert_int_equal(plan.first_value, 2);
   assert_int_equal(value, 3);
   assert_int_equal(plan.info_count, 2);
   assert_int_equal(plan.infos[0].commandBufferInfoCount, 2);
   assert_int_equal(info_timeline_value(&plan, 0), 2);
   assert_int_equal(plan.infos[0].signalSemaphoreInfoCount, 1);
   assert_int_equal(plan.infos[1].waitSemaphoreInfoCount, 1);
   assert_int_equal(plan.infos[1].signalSemaphoreInfoCount, 0);
   assert_int_equal(info_timeline_value(&plan, 1), 0);

   /* Value 4, observed alone after the unobserved ones: the pending point still advances. */
   struct kr_batch_point point;
   append_point(&b, &loud, 0, &point);
   assert_int_equal(point.value, 4);
   assert_int_equal(kr_batch_flush(&b, KR_FLUSH_OBSERVED, &plan, &value), VK_SUCCESS);
   assert_int_equal(info_timeline_value(&plan, plan.info_count - 1), 4);
   teardown_batch(&b, &plan);
}

static void
observes_intermediate_value(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   /* Move flushed_value off 0 first. */
   struct kr_batch_submit s = plain_submit(NULL, 0);
   append(&b, &s, 0);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);

   const struct kr_batch_point wait = {SEM_A, 3, 0};
   struct kr_batch_submit ws = plain_submit(NULL, 0);
   ws.wait_count = 1;
   ws.waits = &wait;
   append(&b, &s, 0);  /* 2 */
   append(&b, &ws, 0); /* 3 */
   append(&b, &ws, 0); /* 4 */
   append(&b, &s, 0);  /* 4 */
   assert_int_equal(b.next_value, 4);
   for (uint64_t v = 0; v <= 4; v++) {
      struct kr_batch_point point = {TIMELINE, v, 0};
      assert_int_equal(kr_batch_observes_point(&b, point), v >= 2);
   }
   /* Another timeline's values are not this batch's. */
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE + 1, 3, 0}));
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 4);
   check_plan_values(&plan, 2);
   for (uint64_t v = 0; v <= 5; v++)
      assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, v, 0}));
   append(&b, &s, 0); /* 5 */
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, 3, 0}));
   assert_false(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, 4, 0}));
   assert_true(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, 5, 0}));
   teardown_batch(&b, &plan);
}

/* The reference model: every appended submit, in order, with the value it must complete at,
 * computed independently of the batch: a submit that waits (semaphores or events) joining a
 * non-empty batch opens the next value. */
struct model_submit {
   uintptr_t first_cb;
   uint32_t cb_count;
   uint32_t wait_count, signal_count;
   struct kr_batch_point wait, signal;
   uint32_t flags;
   bool events;
   bool has_fence;
   uint32_t fence_slot;
   uint64_t value;  /* the value it completes at (its point's) */
   bool flushed;    /* handed to the vendor in a plan */
};

struct model {
   struct model_submit *submits;
   uint32_t count, flushed;
   uintptr_t next_cb, seen_cb;
   uint64_t flushed_value, next_value;
   /* The largest point value handed out so far. */
   uint64_t max_value;
   /* Coverage: values opened inside a batch, plans with several values, events
    * submits, infos with flags. */
   uint64_t opened, multi_value_plans, events, flagged_infos;
};

static bool
model_waits(const struct model_submit *s)
{
   return s->wait_count > 0 || s->events;
}

static bool
model_plain(const struct model_submit *s)
{
   return s->wait_count == 0 && s->signal_count == 0;
}

/* Checks a plan against the model's pending submits: the exact infos the merging rules give,
 * then the ordering properties from the plan alone. */
static void
model_check_plan(struct model *m, const struct kr_batch_flush_plan *plan, uint64_t value)
{
   assert_int_equal(plan->value, value);
   if (m->flushed == m->count) {
      assert_int_equal(plan->info_count, 0);
      assert_int_equal(value, m->flushed_value);
      return;
   }
   assert_int_equal(value, m->next_value);
   assert_int_equal(plan->first_value, m->flushed_value + 1);
   for (uint32_t i = 0; i < plan->command_buffer_count; i++)
      assert_ptr_equal(plan->command_buffers[i].commandBuffer, handle(m->seen_cb++));

   const uint32_t first = m->flushed, pending = m->count - m->flushed;
   /* The info each pending submit lands in, and the info signalling each pending value. */
   uint32_t *info_of = malloc(pending * sizeof(uint32_t));
   uint32_t *signal_info = malloc((size_t)(value - m->flushed_value) * sizeof(uint32_t));
   assert_non_null(info_of);
   assert_non_null(signal_info);

   /* The exact plan: a plain submit joins the previous info when that one is plain, has the
    * same flags and its last submit does not close a value (the next submit has another value,
    * or it is the last one). The semaphores are laid out info by info: the waits and signals
    * of the submit that opens the info, then the timeline signal of the value it closes. */
   uint32_t info = 0, cb = 0, sems = 0, waits = 0, signals = 0;
   uint32_t info_cb_first = 0, info_signals = 0;
   bool open = false;
   uint32_t open_flags = 0;
   for (uint32_t i = first; i < m->count; i++) {
      struct model_submit *s = &m->submits[i];
      bool closes = i + 1 == m->count || m->submits[i + 1].value != s->value;
      bool plain = model_plain(s);
      if (!(plain && open && s->flags == open_flags)) {
         assert_true(info < plan->info_count);
         const VkSubmitInfo2 *in = &plan->infos[info];
         info_cb_first = cb;
         if (in->commandBufferInfoCount)
            assert_ptr_equal(in->pCommandBufferInfos, &plan->command_buffers[cb]);
         assert_int_equal(in->flags, s->flags);
         assert_int_equal(in->waitSemaphoreInfoCount, s->wait_count);
         if (s->wait_count) {
            assert_ptr_equal(in->pWaitSemaphoreInfos, &plan->semaphores[sems]);
            assert_semaphore(&in->pWaitSemaphoreInfos[0], s->wait);
         }
         sems += s->wait_count;
         if (in->signalSemaphoreInfoCount)
            assert_ptr_equal(in->pSignalSemaphoreInfos, &plan->semaphores[sems]);
         if (s->signal_count)
            assert_semaphore(&in->pSignalSemaphoreInfos[0], s->signal);
         sems += s->signal_count;
         info_signals = s->signal_count;
         if (in->flags)
            m->flagged_infos++;
         info++;
      }
      info_of[i - first] = info - 1;
      open = plain && !closes;
      open_flags = s->flags;
      cb += s->cb_count;
      waits += s->wait_count;
      signals += s->signal_count;
      if (closes)
         sems++; /* the timeline signal */
      const VkSubmitInfo2 *in = &plan->infos[info - 1];
      /* The info holds this submit's command buffers (it ends after them exactly when this
       * submit is its last), then its own signals and, when it closes, the timeline signal of
       * its value, last. */
      if (i + 1 == m->count || !open || !model_plain(&m->submits[i + 1]) ||
          m->submits[i + 1].flags != s->flags) {
         assert_int_equal(in->commandBufferInfoCount, cb - info_cb_first);
         assert_int_equal(in->signalSemaphoreInfoCount, info_signals + closes);
         assert_int_equal(info_own_signal_count(plan, info - 1), info_signals);
         assert_int_equal(info_timeline_value(plan, info - 1), closes ? s->value : 0);
         if (closes) {
            assert_ptr_equal(info_last_signal(plan, info - 1), &plan->semaphores[sems - 1]);
            assert_semaphore(info_last_signal(plan, info - 1),
                             (struct kr_batch_point){TIMELINE, s->value,
                                                     VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
         }
      }
      s->flushed = true;
   }
   assert_int_equal(info, plan->info_count);
   assert_int_equal(cb, plan->command_buffer_count);
   assert_int_equal(sems, plan->semaphore_count);
   assert_int_equal(waits, plan_wait_count(plan));
   assert_int_equal(signals, plan_own_signal_count(plan));

   /* Each pending value is signalled exactly once, in increasing order, the last by the last
    * info. */
   uint64_t expect = m->flushed_value + 1;
   for (uint32_t i = 0; i < plan->info_count; i++) {
      uint64_t v = info_timeline_value(plan, i);
      if (!v)
         continue;
      assert_int_equal(v, expect);
      signal_info[v - m->flushed_value - 1] = i;
      expect++;
   }
   assert_int_equal(expect, value + 1);
   assert_int_equal(info_timeline_value(plan, plan->info_count - 1), value);
   if (value - m->flushed_value > 1)
      m->multi_value_plans++;

   /* Per submit: no timeline signal before its command buffers covers its value, and the first
    * one at or after its info is its value (its fence signals after its work). */
   for (uint32_t i = first; i < m->count; i++) {
      const struct model_submit *s = &m->submits[i];
      uint32_t k = info_of[i - first];
      for (uint32_t j = 0; j < k; j++) {
         uint64_t v = info_timeline_value(plan, j);
         assert_true(v == 0 || v < s->value);
      }
      uint32_t j = k;
      while (info_timeline_value(plan, j) == 0)
         j++; /* the last info signals, so this stops */
      assert_int_equal(info_timeline_value(plan, j), s->value);
      assert_int_equal(signal_info[s->value - m->flushed_value - 1], j);
      /* A waiting submit: every earlier submit of the plan completes at a value signalled by
       * an info before the waiting one, so no earlier fence waits on it. */
      if (model_waits(s)) {
         for (uint32_t e = first; e < i; e++) {
            assert_true(m->submits[e].value < s->value);
            assert_true(signal_info[m->submits[e].value - m->flushed_value - 1] < k);
         }
      }
   }
   free(info_of);
   free(signal_info);
   m->flushed = m->count;
   m->flushed_value = value;
   m->next_value = value + 1;
}

#define RANDOM_FENCES 16

/* A fence as the driver models it: pending on the point its last submit returned, or not
 * pending (unsignalled or signalled by the host: not the batch's business). */
struct random_fence {
   bool pending;
   struct kr_batch_point point;
};

static void
random_append(struct kr_batch *b, struct model *m, struct test_random *r,
              struct random_fence *fences, uint64_t now, bool *full)
{
   void *cbs[4];
   uint32_t cb_count = (uint32_t)(test_random_next(r) % 5);
   for (uint32_t i = 0; i < cb_count; i++)
      cbs[i] = handle(m->next_cb + i);
   struct kr_batch_point w = {SEM_A, test_random_next(r) % 10, test_random_next(r) % 4};
   struct kr_batch_point sg = {SEM_B, test_random_next(r) % 10, test_random_next(r) % 4};
   struct kr_batch_submit s = plain_submit(cbs, cb_count);
   uint64_t pick = test_random_next(r) % 10;
   s.wait_count = pick == 0 || pick == 2;
   s.waits = &w;
   s.signal_count = pick == 1 || pick == 2;
   s.signals = &sg;
   s.waits_on_events = pick == 3 || (pick == 0 && test_random_next(r) % 2);
   s.flags = test_random_next(r) % 5 == 0;
   uint32_t slot = (uint32_t)(test_random_next(r) % RANDOM_FENCES);
   bool has_fence = test_random_next(r) % 2;

   struct model_submit *ms = &m->submits[m->count];
   *ms = (struct model_submit){
      .first_cb = m->next_cb,
      .cb_count = cb_count,
      .wait_count = s.wait_count,
      .signal_count = s.signal_count,
      .wait = w,
      .signal = sg,
      .flags = s.flags,
      .events = s.waits_on_events,
      .has_fence = has_fence,
      .fence_slot = slot,
   };
   if (model_waits(ms) && m->count > m->flushed) {
      m->next_value++;
      m->opened++;
   }
   ms->value = m->next_value;
   m->events += s.waits_on_events;
   m->count++;
   m->next_cb += cb_count;
   struct kr_batch_point point;
   *full = append_point(b, &s, now, &point);
   assert_int_equal(point.value, ms->value);
   if (has_fence) {
      /* Reset and resubmitted: pending on the new submit's point. */
      fences[slot].pending = true;
      fences[slot].point = point;
   }
   /* Values never go back; a waiting submit's is above every earlier submit's, so no earlier
    * fence waits on it. */
   assert_true(point.value >= m->max_value);
   if (model_waits(ms))
      assert_true(point.value > m->max_value);
   m->max_value = point.value;
}

static void
randomized_against_model(void **state)
{
   (void)state;
   enum { OPS = 20000 };
   struct test_counting c;
   VkAllocationCallbacks cb = test_counting_callbacks(&c);
   struct kr_batch_settings settings = {.limit = 13, .time_bound_ns = 5000};
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   kr_batch_init(&b, &cb, TIMELINE, &settings);
   kr_batch_flush_plan_init(&plan, &cb);
   struct model m = {.next_cb = 1, .seen_cb = 1, .flushed_value = 0, .next_value = 1};
   m.submits = calloc(OPS, sizeof(*m.submits));
   assert_non_null(m.submits);
   struct random_fence fences[RANDOM_FENCES];
   memset(fences, 0, sizeof(fences));
   struct test_random r;
   test_random_seed(&r, 0x6261746368ull);
   uint64_t now = 0;

   for (uint32_t op = 0; op < OPS; op++) {
      now += test_random_next(&r) % 1000;
      uint64_t kind = test_random_next(&r) % 12;
      enum kr_flush_reason reason = KR_FLUSH_REASON_COUNT;
      if (kind < 6) {
         bool full;
         random_append(&b, &m, &r, fences, now, &full);
         if (full)
            reason = KR_FLUSH_FULL;
      } else if (kind < 8) {
         struct random_fence *f = &fences[test_random_next(&r) % RANDOM_FENCES];
         bool pending = f->pending && f->point.value > m.flushed_value;
         assert_int_equal(kr_batch_observes_point(&b, f->point) && f->pending, pending);
         if (pending)
            reason = KR_FLUSH_OBSERVED;
         /* Not signalled before its batch is flushed and completed. */
         assert_false(pending && point_done(f->point, m.flushed_value));
      } else if (kind < 9) {
         /* A value handed out on the timeline (up to next_value), pending ones (intermediate
          * included) observed, flushed ones not. */
         uint64_t d = test_random_next(&r) % (m.next_value - m.flushed_value + 3);
         uint64_t v = d > m.next_value ? 0 : m.next_value - d;
         bool pending = m.count > m.flushed && v > m.flushed_value && v <= m.next_value;
         assert_int_equal(kr_batch_observes_point(&b, (struct kr_batch_point){TIMELINE, v, 0}),
                          pending);
         if (pending)
            reason = KR_FLUSH_OBSERVED;
      } else if (kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now)) {
         reason = KR_FLUSH_TIMEOUT;
      }
      assert_int_equal(kr_batch_needs_flush(&b, KR_FLUSH_FULL, now),
                       m.count - m.flushed >= settings.limit);
      if (reason != KR_FLUSH_REASON_COUNT) {
         uint64_t v = flush(&b, reason, &plan);
         model_check_plan(&m, &plan, v);
      }
      assert_int_equal(b.flushed_value, m.flushed_value);
      assert_int_equal(b.next_value, m.next_value);
   }
   model_check_plan(&m, &plan, flush(&b, KR_FLUSH_OBSERVED, &plan));
   assert_int_equal(m.seen_cb, m.next_cb);

   /* Every submit was flushed; every fence's value covers its last submit; each completes
    * exactly at that value. */
   for (uint32_t i = 0; i < m.count; i++) {
      const struct model_submit *s = &m.submits[i];
      assert_true(s->flushed);
      assert_true(s->value > 0 && s->value <= b.flushed_value);
      if (s->has_fence && fences[s->fence_slot].pending)
         assert_true(fences[s->fence_slot].point.value >= s->value);
   }
   for (unsigned i = 0; i < RANDOM_FENCES; i++) {
      if (!fences[i].pending)
         continue;
      assert_false(point_done(fences[i].point, fences[i].point.value - 1));
      assert_true(point_done(fences[i].point, b.flushed_value));
   }
   uint64_t total = 0;
   for (unsigned i = 0; i < KR_FLUSH_REASON_COUNT; i++)
      total += b.stats.flushes[i];
   assert_int_equal(total, b.stats.vendor_submits);
   assert_int_equal(b.stats.app_submits, m.count);
   assert_true(b.stats.flushes[KR_FLUSH_FULL] > 0);
   assert_true(b.stats.flushes[KR_FLUSH_OBSERVED] > 0);
   assert_true(b.stats.flushes[KR_FLUSH_TIMEOUT] > 0);
   /* The run exercised what it is meant to. */
   assert_true(m.opened > 0);
   assert_true(m.multi_value_plans > 0);
   assert_true(m.events > 0);
   assert_true(m.flagged_infos > 0);

   free(m.submits);
   kr_batch_finish(&b);
   kr_batch_flush_plan_finish(&plan);
   assert_int_equal(c.live, 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(trigger_full),
      cmocka_unit_test(trigger_observed),
      cmocka_unit_test(trigger_timeout),
      cmocka_unit_test(empty_flush_and_empty_submits),
      cmocka_unit_test(merging_rules),
      cmocka_unit_test(ordering_across_flushes),
      cmocka_unit_test(limit_one),
      cmocka_unit_test(submit_points),
      cmocka_unit_test(point_reuse),
      cmocka_unit_test(waits_open_values),
      cmocka_unit_test(events_open_value),
      cmocka_unit_test(flags_prevent_merging),
      cmocka_unit_test(observes_intermediate_value),
      cmocka_unit_test(unobserved_values_are_not_signalled),
      cmocka_unit_test(allocation_failure_and_callbacks),
      cmocka_unit_test(randomized_against_model),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
