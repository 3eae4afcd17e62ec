/* SPDX-License-Identifier: MIT */
/* Unit tests of polling before blocking (src/kr_wait_poll.h): which devices poll by default,
 * where a poll ends (never past the wait's deadline, no overflow), and the poll's answer for
 * all and any, counters that advance while it polls, and counters that cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kr_time.h"
#include "kr_wait_poll.h"

/* Counters that advance by step at every read of theirs; a read of `failing` fails. */
struct fake_counters {
   uint64_t value[3];
   uint64_t step[3];
   uint32_t reads;
   uint32_t failing;
};

static bool
read_fake(void *context, uint32_t i, uint64_t *value)
{
   struct fake_counters *c = context;
   c->reads++;
   if (i == c->failing)
      return false;
   c->value[i] += c->step[i];
   *value = c->value[i];
   return true;
}

static void
cpu_devices_block_gpus_poll(void **state)
{
   (void)state;
   assert_int_equal(kr_wait_poll_default_us(VK_PHYSICAL_DEVICE_TYPE_CPU), 0);
   assert_true(kr_wait_poll_default_us(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU) > 0);
   assert_true(kr_wait_poll_default_us(VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU) > 0);
}

static void
end_never_past_the_deadline(void **state)
{
   (void)state;
   assert_int_equal(kr_wait_poll_end(1000, 500, UINT64_MAX), 1500);
   assert_int_equal(kr_wait_poll_end(1000, 500, 1200), 1200);
   assert_int_equal(kr_wait_poll_end(1000, 500, 1500), 1500);
   assert_int_equal(kr_wait_poll_end(1000, 0, 5000), 1000);
   /* A timeout of 0: the deadline is now, and so is the end. */
   assert_int_equal(kr_wait_poll_end(1000, 500, 1000), 1000);
   /* A poll too long to add saturates instead of wrapping to a time already past. */
   assert_int_equal(kr_wait_poll_end(UINT64_MAX - 10, 500, UINT64_MAX), UINT64_MAX);
   assert_int_equal(kr_wait_poll_end(UINT64_MAX - 10, UINT64_MAX, UINT64_MAX - 5),
                    UINT64_MAX - 5);
}

/* An end already past: every counter is read once, and the answer is what they say. */
static void
one_round_when_the_end_has_passed(void **state)
{
   (void)state;
   const uint64_t values[3] = {5, 5, 5};
   struct fake_counters c = {.value = {5, 0, 5}, .failing = UINT32_MAX};
   assert_false(kr_wait_poll(3, values, false, 0, read_fake, &c));
   assert_int_equal(c.reads, 3);
   c.reads = 0;
   assert_true(kr_wait_poll(3, values, true, 0, read_fake, &c));
   assert_int_equal(c.reads, 3);
   c.value[1] = 7;
   c.reads = 0;
   assert_true(kr_wait_poll(3, values, false, 0, read_fake, &c));
   assert_int_equal(c.reads, 3);
}

/* Counters that advance while the poll runs: all ends when the slowest one arrives, any when
 * the fastest does. */
static void
all_waits_for_the_slowest_any_for_the_fastest(void **state)
{
   (void)state;
   const uint64_t values[3] = {10, 40, 20};
   uint64_t far = kr_now_ns() + 60ull * 1000 * 1000 * 1000;
   struct fake_counters c = {.step = {1, 1, 1}, .failing = UINT32_MAX};
   assert_true(kr_wait_poll(3, values, false, far, read_fake, &c));
   assert_int_equal(c.reads, 3 * 40);
   assert_int_equal(c.value[1], 40);

   struct fake_counters d = {.step = {1, 1, 1}, .failing = UINT32_MAX};
   assert_true(kr_wait_poll(3, values, true, far, read_fake, &d));
   assert_int_equal(d.reads, 3 * 10);
   assert_int_equal(d.value[0], 10);
}

/* A counter that cannot be read ends the poll at once, whatever the others say: the vendor's
 * blocking wait that follows reports why. */
static void
unreadable_counter_ends_the_poll(void **state)
{
   (void)state;
   const uint64_t values[2] = {1, 1};
   uint64_t far = kr_now_ns() + 60ull * 1000 * 1000 * 1000;
   struct fake_counters c = {.value = {0, 0}, .step = {0, 0}, .failing = 1};
   assert_false(kr_wait_poll(2, values, false, far, read_fake, &c));
   assert_int_equal(c.reads, 2);
   c.reads = 0;
   c.failing = 0;
   c.value[1] = 1;
   assert_false(kr_wait_poll(2, values, true, far, read_fake, &c));
   assert_int_equal(c.reads, 1);
}

/* A poll that never sees its values ends once the clock passes its end, not before. */
static void
ends_at_its_end(void **state)
{
   (void)state;
   const uint64_t values[1] = {1};
   struct fake_counters c = {.failing = UINT32_MAX};
   uint64_t start = kr_now_ns();
   uint64_t end = start + 2ull * 1000 * 1000;
   assert_false(kr_wait_poll(1, values, false, end, read_fake, &c));
   assert_true(kr_now_ns() >= end);
   assert_true(c.reads > 1);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(cpu_devices_block_gpus_poll),
      cmocka_unit_test(end_never_past_the_deadline),
      cmocka_unit_test(one_round_when_the_end_has_passed),
      cmocka_unit_test(all_waits_for_the_slowest_any_for_the_fastest),
      cmocka_unit_test(unreadable_counter_ends_the_poll),
      cmocka_unit_test(ends_at_its_end),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
