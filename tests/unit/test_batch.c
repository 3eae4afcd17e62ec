/* SPDX-License-Identifier: MIT */
/* Unit tests of the submit batching state machine (kr_batch): every flush trigger, the merging
 * rules of the vendor submit plan, ordering and timeline values across flushes, fence states,
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
#include "test_random.h"

#define TIMELINE 1000u
#define SEM_A 2000u
#define SEM_B 2001u

/* A counting allocator that can be told to fail. */
struct counting {
   long live;
   long fail_after; /* < 0: never */
};

static void *VKAPI_PTR
counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)scope;
   struct counting *c = user;
   if (c->fail_after == 0)
      return NULL;
   if (c->fail_after > 0)
      c->fail_after--;
   c->live++;
   return aligned_alloc(align < 8 ? 8 : align, (size + 7) & ~(size_t)7);
}

static void *VKAPI_PTR
counting_realloc(void *user, void *ptr, size_t size, size_t align,
                 VkSystemAllocationScope scope)
{
   (void)user, (void)ptr, (void)size, (void)align, (void)scope;
   fail_msg("realloc not expected");
   return NULL;
}

static void VKAPI_PTR
counting_free(void *user, void *ptr)
{
   struct counting *c = user;
   if (ptr)
      c->live--;
   free(ptr);
}

static VkAllocationCallbacks
counting_callbacks(struct counting *c)
{
   c->live = 0;
   c->fail_after = -1;
   return (VkAllocationCallbacks){
      .pUserData = c,
      .pfnAllocation = counting_alloc,
      .pfnReallocation = counting_realloc,
      .pfnFree = counting_free,
   };
}

static void *
handle(uintptr_t n)
{
   return (void *)n;
}

static struct kr_batch_submit
plain_submit(void *const *cbs, uint32_t count)
{
   return (struct kr_batch_submit){.command_buffer_count = count, .command_buffers = cbs};
}

static bool
append(struct kr_batch *b, const struct kr_batch_submit *s, struct kr_batch_fence *f,
       uint64_t now)
{
   bool flush_now = false;
   assert_int_equal(kr_batch_append(b, s, f, now, &flush_now), VK_SUCCESS);
   return flush_now;
}

static uint64_t
flush(struct kr_batch *b, enum kr_flush_reason reason, struct kr_batch_flush_plan *plan)
{
   uint64_t value = UINT64_MAX;
   assert_int_equal(kr_batch_flush(b, reason, plan, &value), VK_SUCCESS);
   assert_int_equal(value, plan->value);
   assert_int_equal(plan->timeline, b->timeline);
   return value;
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
   assert_false(append(&b, &s, NULL, 0));
   assert_false(append(&b, &s, NULL, 0));
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_FULL, 0));
   assert_true(append(&b, &s, NULL, 0));
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

   struct kr_batch_fence fence;
   kr_batch_fence_init(&fence, false);
   assert_false(append(&b, &s, &fence, 0));
   /* Wait idle, query results, events, bind sparse. */
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_OBSERVED, 0));
   /* Fence wait/status and a cross-queue (or same-queue) wait on the batch's point. */
   assert_true(kr_batch_observes_point(&b, fence.point));
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
   assert_int_equal(v, fence.point.value);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_OBSERVED, 0));
   assert_false(kr_batch_observes_point(&b, fence.point));
   assert_false(kr_batch_observes_point(&b, sig));
   assert_false(kr_batch_uses_resource(&b, 42));
   assert_false(kr_batch_uses_resource(&b, 7));
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
   append(&b, &s, NULL, now);
   append(&b, &s, NULL, now + 40000); /* the oldest submit sets the deadline */
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now));
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 49999));
   assert_true(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 50000));
   /* A clock read before the append (another thread's) never times out. */
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now - 1));
   flush(&b, KR_FLUSH_TIMEOUT, &plan);
   assert_false(kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now + 100000));
   /* The next batch's clock starts at its first submit. */
   append(&b, &s, NULL, now + 90000);
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
   struct kr_batch_fence f1, f2;
   kr_batch_fence_init(&f1, false);
   kr_batch_fence_init(&f2, false);
   append(&b, &s, &f1, 0);
   append(&b, &s, &f2, 0);
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   assert_int_equal(plan.info_count, 1);
   assert_int_equal(plan.infos[0].command_buffer_count, 0);
   assert_int_equal(f1.point.value, 1);
   assert_int_equal(f2.point.value, 1);
   assert_true(kr_batch_fence_status(&f1, 1));
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
      append(&b, &s, NULL, 0);
   }
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   /* Infos: [pp] [w] [p] [s] [s] [pp] [b] [p] */
   static const uint32_t expect_submits[] = {2, 1, 1, 1, 1, 2, 1, 1};
   assert_int_equal(plan.info_count, 8);
   assert_int_equal(plan.command_buffer_count, 2 * n);
   for (uint32_t i = 0; i < plan.command_buffer_count; i++)
      assert_ptr_equal(plan.command_buffers[i], handle(100 + i));
   uint32_t cb = 0, submit = 0;
   for (uint32_t i = 0; i < plan.info_count; i++) {
      const struct kr_batch_info *info = &plan.infos[i];
      assert_int_equal(info->command_buffer_first, cb);
      assert_int_equal(info->command_buffer_count, 2 * expect_submits[i]);
      char kind = kinds[submit];
      assert_int_equal(info->wait_count, kind == 'w' || kind == 'b');
      assert_int_equal(info->signal_count, kind == 's' || kind == 'b');
      if (info->wait_count)
         assert_int_equal(plan.waits[info->wait_first].value, submit);
      if (info->signal_count)
         assert_int_equal(plan.signals[info->signal_first].value, submit);
      cb += info->command_buffer_count;
      submit += expect_submits[i];
   }
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
      struct kr_batch_fence f;
      kr_batch_fence_init(&f, false);
      bool full = append(&b, &s, &f, i);
      assert_int_equal(f.point.value, last_value + 1);
      if (full || i % 5 == 0) {
         uint64_t v = flush(&b, full ? KR_FLUSH_FULL : KR_FLUSH_OBSERVED, &plan);
         assert_int_equal(v, last_value + 1);
         last_value = v;
         assert_int_equal(b.flushed_value, v);
         assert_int_equal(b.next_value, v + 1);
         for (uint32_t j = 0; j < plan.command_buffer_count; j++)
            assert_ptr_equal(plan.command_buffers[j], handle(seen_cb++));
      }
   }
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   for (uint32_t j = 0; j < plan.command_buffer_count; j++)
      assert_ptr_equal(plan.command_buffers[j], handle(seen_cb++));
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
      struct kr_batch_fence f;
      kr_batch_fence_init(&f, false);
      assert_true(append(&b, &s, &f, 0));
      assert_int_equal(flush(&b, KR_FLUSH_FULL, &plan), i);
      assert_int_equal(f.point.value, i);
      assert_int_equal(plan.info_count, 1);
      assert_int_equal(plan.command_buffer_count, 1);
      assert_ptr_equal(plan.command_buffers[0], handle(i));
   }
   assert_int_equal(b.stats.app_submits, 50);
   assert_int_equal(b.stats.vendor_submits, 50);
   assert_int_equal(b.stats.flushes[KR_FLUSH_FULL], 50);
   teardown_batch(&b, &plan);
}

static void
fence_states(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   struct kr_batch_fence f;

   /* Created signalled, then reset. */
   kr_batch_fence_init(&f, true);
   assert_int_equal(f.state, KR_FENCE_SIGNALED);
   assert_true(kr_batch_fence_status(&f, 0));
   kr_batch_fence_reset(&f);
   assert_int_equal(f.state, KR_FENCE_UNSIGNALED);
   assert_false(kr_batch_fence_status(&f, UINT64_MAX));
   assert_false(kr_batch_fence_update(&f, UINT64_MAX));

   /* Pending on the batch, signalled once the flushed value completes. */
   struct kr_batch_submit s = plain_submit(NULL, 0);
   append(&b, &s, &f, 0);
   assert_int_equal(f.state, KR_FENCE_PENDING);
   assert_int_equal(f.point.semaphore, TIMELINE);
   assert_int_equal(f.point.value, 1);
   assert_true(kr_batch_observes_point(&b, f.point));
   assert_false(kr_batch_fence_status(&f, 0));
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   assert_false(kr_batch_observes_point(&b, f.point));
   assert_false(kr_batch_fence_status(&f, 0));
   assert_true(kr_batch_fence_status(&f, 1));
   assert_true(kr_batch_fence_update(&f, 1));
   assert_int_equal(f.state, KR_FENCE_SIGNALED);
   teardown_batch(&b, &plan);
}

static void
fence_reuse(void **state)
{
   (void)state;
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   setup_batch(&b, &plan, 100, UINT64_MAX);
   struct kr_batch_fence f;
   kr_batch_fence_init(&f, false);
   struct kr_batch_submit s = plain_submit(NULL, 0);

   append(&b, &s, &f, 0);
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   assert_false(kr_batch_fence_status(&f, 0));
   assert_false(kr_batch_fence_update(&f, 0));
   assert_int_equal(f.state, KR_FENCE_PENDING);
   assert_true(kr_batch_fence_status(&f, 1));
   assert_true(kr_batch_fence_update(&f, 1));
   assert_int_equal(f.state, KR_FENCE_SIGNALED);
   /* Later work on the timeline does not unsignal it. */
   assert_true(kr_batch_fence_status(&f, 5));

   /* Reset and resubmit: pending on a later value, not signalled by the old one. */
   kr_batch_fence_reset(&f);
   assert_false(kr_batch_fence_status(&f, 1));
   append(&b, &s, NULL, 0);
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   append(&b, &s, &f, 0);
   assert_int_equal(f.point.value, 3);
   assert_false(kr_batch_fence_status(&f, 2));
   flush(&b, KR_FLUSH_OBSERVED, &plan);
   assert_true(kr_batch_fence_update(&f, 3));
   teardown_batch(&b, &plan);
}

static void
allocation_failure_and_callbacks(void **state)
{
   (void)state;
   struct counting c;
   VkAllocationCallbacks cb = counting_callbacks(&c);
   struct kr_batch_settings settings = {.limit = 1000, .time_bound_ns = UINT64_MAX};
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   kr_batch_init(&b, &cb, TIMELINE, &settings);
   kr_batch_flush_plan_init(&plan, &cb);

   void *cbs[] = {handle(1)};
   struct kr_batch_submit s = plain_submit(cbs, 1);
   struct kr_batch_fence f;
   kr_batch_fence_init(&f, false);
   bool flush_now = true;
   c.fail_after = 0;
   assert_int_equal(kr_batch_append(&b, &s, &f, 0, &flush_now), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_true(kr_batch_is_empty(&b));
   assert_int_equal(f.state, KR_FENCE_UNSIGNALED);
   assert_int_equal(b.stats.app_submits, 0);

   c.fail_after = -1;
   /* Growth: many submits, many command buffers. */
   for (uintptr_t i = 1; i <= 300; i++) {
      void *one[] = {handle(i)};
      s = plain_submit(one, 1);
      append(&b, &s, &f, 0);
   }
   c.fail_after = 0;
   uint64_t v = 0;
   assert_int_equal(kr_batch_flush(&b, KR_FLUSH_OBSERVED, &plan, &v),
                    VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(b.record_count, 300);
   assert_int_equal(b.flushed_value, 0);
   assert_int_equal(b.stats.vendor_submits, 0);
   c.fail_after = -1;
   assert_int_equal(flush(&b, KR_FLUSH_OBSERVED, &plan), 1);
   assert_int_equal(plan.command_buffer_count, 300);
   for (uint32_t i = 0; i < 300; i++)
      assert_ptr_equal(plan.command_buffers[i], handle(i + 1));

   kr_batch_finish(&b);
   kr_batch_flush_plan_finish(&plan);
   assert_int_equal(c.live, 0);
}

/* The reference model: every appended submit, in order. */
struct model_submit {
   uintptr_t first_cb;
   uint32_t cb_count;
   bool semaphores;
   bool has_fence;
   uint32_t fence_slot;
   uint64_t value; /* the value of the flush that covered it, 0 while pending */
};

struct model {
   struct model_submit *submits;
   uint32_t count, flushed;
   uintptr_t next_cb, seen_cb;
   uint64_t last_value;
};

/* Checks a plan against the model's pending submits and marks them covered by value. */
static void
model_check_plan(struct model *m, const struct kr_batch_flush_plan *plan, uint64_t value)
{
   if (m->flushed == m->count) {
      assert_int_equal(plan->info_count, 0);
      assert_int_equal(value, m->last_value);
      return;
   }
   assert_int_equal(value, m->last_value + 1);
   m->last_value = value;
   for (uint32_t i = 0; i < plan->command_buffer_count; i++)
      assert_ptr_equal(plan->command_buffers[i], handle(m->seen_cb++));
   uint32_t info = 0, cb = 0;
   bool last_plain = false;
   for (uint32_t i = m->flushed; i < m->count; i++) {
      struct model_submit *s = &m->submits[i];
      s->value = value;
      bool plain = !s->semaphores;
      if (!(plain && last_plain)) {
         assert_true(info < plan->info_count);
         assert_int_equal(plan->infos[info].command_buffer_first, cb);
         info++;
      }
      last_plain = plain;
      cb += s->cb_count;
      assert_true(plan->infos[info - 1].command_buffer_first +
                     plan->infos[info - 1].command_buffer_count >= cb);
      if (s->semaphores)
         assert_true(plan->infos[info - 1].wait_count + plan->infos[info - 1].signal_count > 0);
   }
   assert_int_equal(info, plan->info_count);
   assert_int_equal(cb, plan->command_buffer_count);
   m->flushed = m->count;
}

#define RANDOM_FENCES 16

static void
random_append(struct kr_batch *b, struct model *m, struct test_random *r,
              struct kr_batch_fence *fences, uint64_t now, bool *full)
{
   void *cbs[4];
   uint32_t cb_count = (uint32_t)(test_random_next(r) % 5);
   for (uint32_t i = 0; i < cb_count; i++)
      cbs[i] = handle(m->next_cb + i);
   struct kr_batch_point w = {SEM_A, test_random_next(r) % 10};
   struct kr_batch_point sg = {SEM_B, test_random_next(r) % 10};
   struct kr_batch_submit s = plain_submit(cbs, cb_count);
   uint64_t pick = test_random_next(r) % 8;
   s.wait_count = pick == 0 || pick == 2;
   s.waits = &w;
   s.signal_count = pick == 1 || pick == 2;
   s.signals = &sg;
   uint32_t slot = (uint32_t)(test_random_next(r) % RANDOM_FENCES);
   bool has_fence = test_random_next(r) % 2;

   struct model_submit *ms = &m->submits[m->count++];
   *ms = (struct model_submit){m->next_cb, cb_count, s.wait_count || s.signal_count,
                               has_fence, slot, 0};
   m->next_cb += cb_count;
   if (has_fence)
      kr_batch_fence_reset(&fences[slot]);
   *full = append(b, &s, has_fence ? &fences[slot] : NULL, now);
   if (has_fence)
      assert_int_equal(fences[slot].point.value, b->next_value);
}

static void
randomized_against_model(void **state)
{
   (void)state;
   enum { OPS = 20000 };
   struct counting c;
   VkAllocationCallbacks cb = counting_callbacks(&c);
   struct kr_batch_settings settings = {.limit = 13, .time_bound_ns = 5000};
   struct kr_batch b;
   struct kr_batch_flush_plan plan;
   kr_batch_init(&b, &cb, TIMELINE, &settings);
   kr_batch_flush_plan_init(&plan, &cb);
   struct model m = {.next_cb = 1, .seen_cb = 1};
   m.submits = calloc(OPS, sizeof(*m.submits));
   assert_non_null(m.submits);
   struct kr_batch_fence fences[RANDOM_FENCES];
   for (unsigned i = 0; i < RANDOM_FENCES; i++)
      kr_batch_fence_init(&fences[i], i % 2);
   struct test_random r;
   test_random_seed(&r, 0x6261746368ull);
   uint64_t now = 0;

   for (uint32_t op = 0; op < OPS; op++) {
      now += test_random_next(&r) % 1000;
      uint64_t kind = test_random_next(&r) % 10;
      enum kr_flush_reason reason = KR_FLUSH_REASON_COUNT;
      if (kind < 6) {
         bool full;
         random_append(&b, &m, &r, fences, now, &full);
         if (full)
            reason = KR_FLUSH_FULL;
      } else if (kind < 8) {
         struct kr_batch_fence *f = &fences[test_random_next(&r) % RANDOM_FENCES];
         bool pending = f->state == KR_FENCE_PENDING && f->point.value > b.flushed_value;
         assert_int_equal(kr_batch_observes_point(&b, f->point) &&
                             f->state == KR_FENCE_PENDING, pending);
         if (pending)
            reason = KR_FLUSH_OBSERVED;
         /* Not signalled before its batch is flushed and completed. */
         assert_false(pending && kr_batch_fence_status(f, b.flushed_value));
      } else if (kr_batch_needs_flush(&b, KR_FLUSH_TIMEOUT, now)) {
         reason = KR_FLUSH_TIMEOUT;
      }
      assert_int_equal(kr_batch_needs_flush(&b, KR_FLUSH_FULL, now),
                       m.count - m.flushed >= settings.limit);
      if (reason != KR_FLUSH_REASON_COUNT) {
         uint64_t v = flush(&b, reason, &plan);
         model_check_plan(&m, &plan, v);
      }
   }
   model_check_plan(&m, &plan, flush(&b, KR_FLUSH_OBSERVED, &plan));
   assert_int_equal(m.seen_cb, m.next_cb);

   /* Every fence's value covers its last submit; each completes exactly at that value. */
   for (uint32_t i = 0; i < m.count; i++) {
      const struct model_submit *s = &m.submits[i];
      assert_true(s->value > 0);
      if (s->has_fence && fences[s->fence_slot].state == KR_FENCE_PENDING)
         assert_true(fences[s->fence_slot].point.value >= s->value);
   }
   for (unsigned i = 0; i < RANDOM_FENCES; i++) {
      if (fences[i].state != KR_FENCE_PENDING)
         continue;
      assert_false(kr_batch_fence_status(&fences[i], fences[i].point.value - 1));
      assert_true(kr_batch_fence_status(&fences[i], b.flushed_value));
   }
   uint64_t total = 0;
   for (unsigned i = 0; i < KR_FLUSH_REASON_COUNT; i++)
      total += b.stats.flushes[i];
   assert_int_equal(total, b.stats.vendor_submits);
   assert_int_equal(b.stats.app_submits, m.count);
   assert_true(b.stats.flushes[KR_FLUSH_FULL] > 0);
   assert_true(b.stats.flushes[KR_FLUSH_OBSERVED] > 0);
   assert_true(b.stats.flushes[KR_FLUSH_TIMEOUT] > 0);

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
      cmocka_unit_test(fence_states),
      cmocka_unit_test(fence_reuse),
      cmocka_unit_test(allocation_failure_and_callbacks),
      cmocka_unit_test(randomized_against_model),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
