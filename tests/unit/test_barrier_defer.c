/* SPDX-License-Identifier: MIT */
/* Unit tests of the log of binds, dispatches and untracked commands the barrier policy holds
 * back while nothing is pending (src/kr_barrier_defer.h): random sequences of every kind of
 * entry and of direct dispatches read back as written, in order (set binds of 1 to 32 sets with
 * and without entries, 0 to 64 dynamic offsets, odd counts included; the one-set bind written in
 * place against the general one), each entry's run of dispatches before it and the dispatches after
 * the last, the counts of pipelines and dispatches it holds, the longest run, what it
 * refuses (too many sets or offsets, a set index or a reason past a byte) leaving the log as it
 * was, allocation failure leaving it as it was, its cap, and clearing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_barrier_defer.h"
#include "test_counting.h"
#include "test_random.h"

/* One entry as the test wrote it, with the direct dispatches kept just before it. */
struct written {
   enum kr_deferred_kind kind;
   uint32_t run;
   uint32_t first, count, dynamic_count, why;
   void *pipeline;
   void *sets[KR_DEFERRED_MAX_SETS], *entries[KR_DEFERRED_MAX_SETS];
   bool with_entries;
   uint32_t dynamic[KR_DEFERRED_MAX_DYNAMIC];
   VkPipelineStageFlags2 stages;
   VkAccessFlags2 writes;
};

static uint32_t
roll(struct test_random *r, uint32_t n)
{
   return (uint32_t)(test_random_next(r) % n);
}

static void *
pointer(struct test_random *r)
{
   /* any value a pointer may hold, 8-byte aligned, sometimes NULL */
   return roll(r, 8) ? (void *)(uintptr_t)(test_random_next(r) & ~(uint64_t)7) : NULL;
}

/* A bind of one set as kr_barrier_bind_one_set keeps it: written in place
 * (kr_deferred_put_one_set) where it fits and has no dynamic offsets, else by kr_deferred_sets. */
static bool
one_set(struct kr_barrier_deferred *d, uint32_t index, void *set, void *entry,
        uint32_t dynamic_count, const uint32_t *dynamic)
{
   if (dynamic_count || index > KR_DEFERRED_MAX_FIRST || !kr_deferred_room(d, 3))
      return kr_deferred_sets(d, index, 1, &set, &entry, dynamic_count, dynamic);
   kr_deferred_put_one_set(d, index, set, entry);
   return true;
}

/* Keeps 0 to 3 direct dispatches (mostly one, as a bind and its dispatch come), counted into
 * *run. */
static void
dispatch_random(struct kr_barrier_deferred *d, struct test_random *r, uint32_t *run)
{
   uint32_t n = roll(r, 4) ? 1 : roll(r, 4);
   for (uint32_t i = 0; i < n; i++) {
      assert_true(kr_deferred_dispatch(d));
      (*run)++;
   }
}

/* Writes a random entry into the log (not a run entry); false (and w untouched in meaning) when
 * refused. */
static bool
write_random(struct kr_barrier_deferred *d, struct test_random *r, struct written *w)
{
   memset(w, 0, sizeof(*w));
   w->kind = (enum kr_deferred_kind)roll(r, 4);
   switch (w->kind) {
   case KR_DEFERRED_PIPELINE:
      w->pipeline = pointer(r);
      return kr_deferred_pipeline(d, w->pipeline);
   case KR_DEFERRED_PUSH:
      w->first = roll(r, KR_DEFERRED_MAX_FIRST + 1);
      return kr_deferred_push(d, w->first);
   case KR_DEFERRED_UNTRACKED:
      w->why = roll(r, 256);
      w->stages = test_random_next(r);
      w->writes = test_random_next(r);
      return kr_deferred_untracked(d, w->why, w->stages, w->writes);
   case KR_DEFERRED_SETS:
      break;
   }
   w->first = roll(r, 4) ? roll(r, 32) : roll(r, KR_DEFERRED_MAX_FIRST + 1);
   w->count = roll(r, 2) ? 1 : 1 + roll(r, KR_DEFERRED_MAX_SETS);
   w->dynamic_count = roll(r, 2) ? 0 : roll(r, KR_DEFERRED_MAX_DYNAMIC + 1);
   w->with_entries = roll(r, 4) != 0;
   for (uint32_t i = 0; i < w->count; i++) {
      w->sets[i] = pointer(r);
      w->entries[i] = w->with_entries ? pointer(r) : NULL;
   }
   for (uint32_t i = 0; i < w->dynamic_count; i++)
      w->dynamic[i] = (uint32_t)test_random_next(r);
   if (w->count == 1 && w->with_entries && roll(r, 2)) {
      return one_set(d, w->first, w->sets[0], w->entries[0], w->dynamic_count, w->dynamic);
   }
   return kr_deferred_sets(d, w->first, w->count, w->sets, w->with_entries ? w->entries : NULL,
                           w->dynamic_count, w->dynamic);
}

static void
expect_read(const struct written *w, const struct kr_deferred_op *op)
{
   assert_int_equal(op->kind, w->kind);
   assert_int_equal(op->run, w->run);
   switch (w->kind) {
   case KR_DEFERRED_PIPELINE:
      assert_ptr_equal(op->pipeline, w->pipeline);
      break;
   case KR_DEFERRED_PUSH:
      assert_int_equal(op->first, w->first);
      break;
   case KR_DEFERRED_UNTRACKED:
      assert_int_equal(op->why, w->why);
      assert_int_equal(op->stages, w->stages);
      assert_int_equal(op->writes, w->writes);
      break;
   case KR_DEFERRED_SETS:
      assert_int_equal(op->first, w->first);
      assert_int_equal(op->count, w->count);
      assert_int_equal(op->dynamic_count, w->dynamic_count);
      for (uint32_t i = 0; i < w->count; i++) {
         assert_ptr_equal(op->sets[i], w->sets[i]);
         assert_ptr_equal(op->entries[i], w->entries[i]);
      }
      for (uint32_t i = 0; i < w->dynamic_count; i++)
         assert_int_equal(op->dynamic[i], w->dynamic[i]);
      break;
   }
}

/* Reads the whole log back against what was written: count entries, then `after` dispatches. */
static void
expect_log(const struct kr_barrier_deferred *d, const struct written *w, uint32_t count,
           uint32_t after)
{
   struct kr_deferred_op op;
   uint32_t at = 0, n = 0, pipelines = 0;
   uint64_t dispatches = 0;
   while (at < d->count) {
      assert_true(n < count);
      at = kr_deferred_read(d, at, &op);
      expect_read(&w[n], &op);
      pipelines += w[n].kind == KR_DEFERRED_PIPELINE;
      dispatches += w[n].run;
      n++;
   }
   assert_int_equal(at, d->count);
   assert_int_equal(n, count);
   assert_int_equal(d->pending, after);
   assert_int_equal(d->pipelines, pipelines);
   assert_int_equal(d->dispatches, dispatches);
   assert_int_equal(kr_deferred_dispatch_count(d), dispatches + after);
   assert_int_equal(kr_deferred_any(d), count || after);
}

#define SEQUENCE 200u

/* Random sequences written and read back, the log cleared and reused between them. */
static void
random_sequences_read_back(void **state)
{
   (void)state;
   struct test_random r;
   test_random_seed(&r, 0xdefe4u);
   struct kr_barrier_deferred d;
   kr_deferred_init(&d, NULL);
   static struct written w[SEQUENCE];
   for (uint32_t round = 0; round < 500; round++) {
      uint32_t n = roll(&r, SEQUENCE + 1), run = 0;
      for (uint32_t i = 0; i < n; i++) {
         if (roll(&r, 2))
            dispatch_random(&d, &r, &run);
         assert_true(write_random(&d, &r, &w[i]));
         w[i].run = run;
         run = 0;
      }
      if (roll(&r, 2))
         dispatch_random(&d, &r, &run);
      expect_log(&d, w, n, run);
      kr_deferred_clear(&d);
      expect_log(&d, w, 0, 0);
   }
   kr_deferred_free(&d);
   assert_null(d.words);
}

/* The one-set bind written in place writes what the general one writes. */
static void
one_set_is_the_general_bind(void **state)
{
   (void)state;
   struct kr_barrier_deferred a, b;
   kr_deferred_init(&a, NULL);
   kr_deferred_init(&b, NULL);
   void *set = (void *)(uintptr_t)0x1000, *entry = (void *)(uintptr_t)0x2008;
   const uint32_t dynamic[3] = {7, 0xffffffffu, 256};
   for (uint32_t dynamic_count = 0; dynamic_count <= 3; dynamic_count++) {
      /* the very first call finds no room (the general path grows the log), later ones room;
       * a dispatch before every other bind */
      for (uint32_t k = 0; k < 2; k++) {
         if (k) {
            assert_true(kr_deferred_dispatch(&a));
            assert_true(kr_deferred_dispatch(&b));
         }
         assert_true(one_set(&a, 5 + k, set, entry, dynamic_count, dynamic));
         assert_true(kr_deferred_sets(&b, 5 + k, 1, &set, &entry, dynamic_count, dynamic));
      }
   }
   assert_int_equal(a.count, b.count);
   assert_int_equal(a.dispatches, 4);
   assert_memory_equal(a.words, b.words, a.count * sizeof(*a.words));
   kr_deferred_free(&a);
   kr_deferred_free(&b);
}

/* What the log cannot say is refused, and the log is left as it was, the dispatches before
 * the refused entry still pending. */
static void
refusals_leave_the_log(void **state)
{
   (void)state;
   struct kr_barrier_deferred d;
   kr_deferred_init(&d, NULL);
   void *sets[KR_DEFERRED_MAX_SETS + 1] = {0};
   uint32_t dynamic[KR_DEFERRED_MAX_DYNAMIC + 1] = {0};
   assert_true(kr_deferred_push(&d, 3));
   assert_true(kr_deferred_dispatch(&d));
   assert_true(kr_deferred_dispatch(&d));
   uint32_t count = d.count;
   assert_false(kr_deferred_sets(&d, 0, KR_DEFERRED_MAX_SETS + 1, sets, NULL, 0, dynamic));
   assert_false(kr_deferred_sets(&d, 0, 1, sets, NULL, KR_DEFERRED_MAX_DYNAMIC + 1, dynamic));
   assert_false(kr_deferred_sets(&d, KR_DEFERRED_MAX_FIRST + 1, 1, sets, NULL, 0, dynamic));
   assert_false(kr_deferred_push(&d, KR_DEFERRED_MAX_FIRST + 1));
   assert_false(kr_deferred_untracked(&d, 256, 1, 1));
   assert_int_equal(d.count, count);
   assert_int_equal(d.pending, 2);
   assert_int_equal(d.dispatches, 0);
   /* the largest accepted */
   assert_true(kr_deferred_sets(&d, KR_DEFERRED_MAX_FIRST, KR_DEFERRED_MAX_SETS, sets, sets,
                                KR_DEFERRED_MAX_DYNAMIC, dynamic));
   assert_true(kr_deferred_untracked(&d, 255, 0, 0));
   struct kr_deferred_op op;
   uint32_t at = kr_deferred_read(&d, 0, &op);
   assert_int_equal(op.kind, KR_DEFERRED_PUSH);
   assert_int_equal(op.first, 3);
   assert_int_equal(op.run, 0);
   at = kr_deferred_read(&d, at, &op);
   assert_int_equal(op.kind, KR_DEFERRED_SETS);
   assert_int_equal(op.run, 2);
   assert_int_equal(op.first, KR_DEFERRED_MAX_FIRST);
   assert_int_equal(op.count, KR_DEFERRED_MAX_SETS);
   assert_int_equal(op.dynamic_count, KR_DEFERRED_MAX_DYNAMIC);
   at = kr_deferred_read(&d, at, &op);
   assert_int_equal(op.kind, KR_DEFERRED_UNTRACKED);
   assert_int_equal(op.why, 255);
   assert_int_equal(op.run, 0);
   assert_int_equal(at, d.count);
   kr_deferred_free(&d);
}

/* The longest run: one dispatch more is refused (the caller then gives what was kept), and an
 * entry takes the run whole. */
static void
longest_run(void **state)
{
   (void)state;
   struct kr_barrier_deferred d;
   kr_deferred_init(&d, NULL);
   d.pending = UINT32_MAX - 1; /* as if that many dispatches had been kept */
   assert_true(kr_deferred_dispatch(&d));
   assert_false(kr_deferred_dispatch(&d));
   assert_int_equal(d.pending, UINT32_MAX);
   assert_int_equal(d.count, 0);
   assert_true(kr_deferred_pipeline(&d, NULL));
   assert_true(kr_deferred_dispatch(&d));
   struct kr_deferred_op op;
   uint32_t at = kr_deferred_read(&d, 0, &op);
   assert_int_equal(op.kind, KR_DEFERRED_PIPELINE);
   assert_int_equal(op.run, UINT32_MAX);
   assert_int_equal(at, d.count);
   assert_int_equal(kr_deferred_dispatch_count(&d), (uint64_t)UINT32_MAX + 1);
   kr_deferred_free(&d);
}

/* Allocations refused: each kind of entry fails, and what the log held reads back whole, with
 * the dispatches kept before a refused entry counted in the next one's run. */
static void
allocation_failure_leaves_the_log(void **state)
{
   (void)state;
   struct test_counting c;
   const VkAllocationCallbacks alloc = test_counting_callbacks(&c);
   struct test_random r;
   test_random_seed(&r, 0xa110cu);
   struct kr_barrier_deferred d;
   kr_deferred_init(&d, &alloc);
   static struct written w[4096];
   uint32_t n = 0, run = 0;
   for (uint32_t attempt = 0; attempt < 4096; attempt++) {
      if (roll(&r, 2))
         dispatch_random(&d, &r, &run);
      /* now and then refuse the next allocation (a grow) */
      c.fail_after = roll(&r, 4) ? -1 : 0;
      struct written one;
      uint32_t before = d.count;
      if (write_random(&d, &r, &one)) {
         one.run = run;
         run = 0;
         w[n++] = one;
      } else {
         assert_int_equal(c.fail_after, 0); /* refused only for lack of memory */
         assert_int_equal(d.count, before);
         assert_int_equal(d.pending, run);
      }
   }
   c.fail_after = -1;
   assert_true(n > 0 && n < 4096); /* both happened */
   expect_log(&d, w, n, run);
   kr_deferred_free(&d);
   assert_int_equal(c.live, 0);
}

/* The log stops at its cap (what it holds stays whole; dispatches, which take no word, are
 * still kept), and takes entries again once cleared. */
static void
cap(void **state)
{
   (void)state;
   struct kr_barrier_deferred d;
   kr_deferred_init(&d, NULL);
   uint32_t n = 0;
   while (kr_deferred_push(&d, n % 32))
      n++;
   assert_int_equal(n, KR_DEFERRED_MAX_WORDS);
   assert_int_equal(d.count, KR_DEFERRED_MAX_WORDS);
   assert_false(kr_deferred_pipeline(&d, NULL));
   assert_int_equal(d.pipelines, 0);
   assert_true(kr_deferred_dispatch(&d));
   assert_int_equal(d.pending, 1);
   kr_deferred_clear(&d);
   assert_true(kr_deferred_pipeline(&d, (void *)(uintptr_t)8));
   assert_int_equal(d.pipelines, 1);
   kr_deferred_free(&d);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(random_sequences_read_back),
      cmocka_unit_test(one_set_is_the_general_bind),
      cmocka_unit_test(refusals_leave_the_log),
      cmocka_unit_test(longest_run),
      cmocka_unit_test(allocation_failure_leaves_the_log),
      cmocka_unit_test(cap),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
