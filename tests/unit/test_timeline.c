/* SPDX-License-Identifier: MIT */
/* kr_timeline: a queue's vendor timeline accounting (taken, landed, lost, completed values) and
 * the landing wait that replaced bouncing on the queue's submit lock (issue 9). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kr_timeline.h"

static struct kr_timeline *
timeline_new(void)
{
   static struct kr_timeline tl;
   assert_int_equal(kr_timeline_init(&tl, VK_NULL_HANDLE, NULL), VK_SUCCESS);
   return &tl;
}

static void
losses_are_per_value(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   kr_timeline_take(tl, 3);
   kr_timeline_land(tl, 1, 3, VK_SUCCESS, false);
   kr_timeline_take(tl, 5);
   kr_timeline_land(tl, 4, 5, VK_ERROR_OUT_OF_HOST_MEMORY, false);
   kr_timeline_take(tl, 6);
   kr_timeline_land(tl, 6, 6, VK_SUCCESS, false);
   kr_timeline_take(tl, 7);
   kr_timeline_land(tl, 7, 7, VK_ERROR_DEVICE_LOST, false);
   assert_int_equal(atomic_load(&tl->landed), 7);
   assert_int_equal(kr_timeline_loss(tl, 3), VK_SUCCESS);
   assert_int_equal(kr_timeline_loss(tl, 4), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_loss(tl, 5), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_loss(tl, 6), VK_SUCCESS);
   assert_int_equal(kr_timeline_loss(tl, 7), VK_ERROR_DEVICE_LOST);
   assert_int_equal(kr_timeline_loss(tl, 8), VK_SUCCESS);
   assert_true(atomic_load(&tl->device_lost));
   kr_timeline_finish(tl);
}

static void
wait_idle_reports_each_loss_once(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   kr_timeline_take(tl, 2);
   kr_timeline_land(tl, 1, 2, VK_ERROR_OUT_OF_HOST_MEMORY, false);
   kr_timeline_take(tl, 3);
   kr_timeline_land(tl, 3, 3, VK_ERROR_OUT_OF_DEVICE_MEMORY, true); /* told at the call */
   kr_timeline_take(tl, 4);
   kr_timeline_land(tl, 4, 4, VK_ERROR_OUT_OF_DEVICE_MEMORY, false);
   /* An idle covering 1..2 reports the first loss only. */
   assert_int_equal(kr_timeline_idle_result(tl, 2), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_idle_result(tl, 2), VK_SUCCESS);
   /* 3 was reported at its submit; 4 is next, once. */
   assert_int_equal(kr_timeline_idle_result(tl, 4), VK_ERROR_OUT_OF_DEVICE_MEMORY);
   assert_int_equal(kr_timeline_idle_result(tl, 4), VK_SUCCESS);
   /* Waits on the lost values still report them. */
   assert_int_equal(kr_timeline_loss(tl, 1), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_loss(tl, 3), VK_ERROR_OUT_OF_DEVICE_MEMORY);
   kr_timeline_finish(tl);
}

/* Issue 9 review: past eight losses, values the vendor took (between the losses) used to be
 * reported lost; the list grows instead, and adjacent ranges merge. */
static void
many_losses_keep_kept_values_apart(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   uint64_t v = 0;
   for (uint32_t i = 0; i < 40; i++) {
      kr_timeline_take(tl, v + 2);
      kr_timeline_land(tl, v + 1, v + 1, VK_SUCCESS, false);
      kr_timeline_land(tl, v + 2, v + 2, VK_ERROR_OUT_OF_HOST_MEMORY, false);
      v += 2;
   }
   assert_int_equal(atomic_load(&tl->loss_count), 40);
   for (uint64_t value = 1; value <= v; value++) {
      assert_int_equal(kr_timeline_loss(tl, value),
                       value % 2 ? VK_SUCCESS : VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   /* Adjacent losses with one error merge into one range (v + 1 and v + 2 join v's). */
   kr_timeline_take(tl, v + 2);
   kr_timeline_land(tl, v + 1, v + 1, VK_ERROR_OUT_OF_HOST_MEMORY, false);
   kr_timeline_land(tl, v + 2, v + 2, VK_ERROR_OUT_OF_HOST_MEMORY, false);
   assert_int_equal(atomic_load(&tl->loss_count), 40);
   assert_int_equal(kr_timeline_loss(tl, v + 1), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_loss(tl, v + 3), VK_SUCCESS);
   assert_int_equal(kr_timeline_idle_result(tl, v + 2), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_timeline_idle_result(tl, v + 2), VK_SUCCESS);
   kr_timeline_finish(tl);
}

static void
completed_only_grows(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   kr_timeline_note_completed(tl, 5);
   kr_timeline_note_completed(tl, 3);
   assert_int_equal(atomic_load(&tl->completed), 5);
   kr_timeline_note_completed(tl, 9);
   assert_int_equal(atomic_load(&tl->completed), 9);
   kr_timeline_finish(tl);
}

static void
wait_landed_waits_only_for_taken_values(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   /* Nothing taken: a value still in the batch is not waited for (the caller flushes). */
   kr_timeline_wait_landed(tl, 10);
   kr_timeline_take(tl, 2);
   kr_timeline_land(tl, 1, 2, VK_SUCCESS, false);
   kr_timeline_wait_landed(tl, 2);
   kr_timeline_wait_landed(tl, 10); /* 3 ... 10 not taken */
   kr_timeline_finish(tl);
}

struct lander {
   struct kr_timeline *tl;
   uint64_t first, last;
   unsigned delay_us;
   atomic_bool landed;
};

static void *
lander_main(void *arg)
{
   struct lander *l = arg;
   usleep(l->delay_us);
   atomic_store(&l->landed, true);
   kr_timeline_land(l->tl, l->first, l->last, VK_SUCCESS, false);
   return NULL;
}

/* A waiter on a taken value sleeps until its flush lands on another thread, then wakes. */
static void
wait_landed_sleeps_until_the_flush_lands(void **state)
{
   (void)state;
   struct kr_timeline *tl = timeline_new();
   for (uint64_t round = 0; round < 200; round++) {
      uint64_t value = round + 1;
      kr_timeline_take(tl, value);
      struct lander l = {tl, value, value, round % 4 == 0 ? 2000 : 0};
      atomic_init(&l.landed, false);
      pthread_t thread;
      assert_int_equal(pthread_create(&thread, NULL, lander_main, &l), 0);
      kr_timeline_wait_landed(tl, value);
      assert_true(atomic_load(&l.landed));
      assert_true(atomic_load(&tl->landed) >= value);
      pthread_join(thread, NULL);
   }
   kr_timeline_finish(tl);
}

int
main(void)
{
   /* A landing wait that never wakes fails the test rather than hanging it. */
   alarm(60);
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(losses_are_per_value),
      cmocka_unit_test(wait_idle_reports_each_loss_once),
      cmocka_unit_test(many_losses_keep_kept_values_apart),
      cmocka_unit_test(completed_only_grows),
      cmocka_unit_test(wait_landed_waits_only_for_taken_values),
      cmocka_unit_test(wait_landed_sleeps_until_the_flush_lands),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
