/* SPDX-License-Identifier: MIT */
/* kronos-bench's counter checks without a device: application counters must equal what the
 * benchmark did; vendor descriptor writes may fall below the application's (persistent
 * descriptors) but never exceed them; every application barrier is a vendor barrier, dropped or
 * merged; with an optimization expected off (--expect-passthrough[=LIST]) its vendor counters
 * must equal the application's; a barrier row's vendor barriers by reason are what its model
 * expects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench_options.h"
#include "bench_stats.h"

/* One descriptor-framework iteration: 64 dispatches of 256 writes each, one submit, one barrier. */
static const struct bench_did did = {
   .submits = 1,
   .barriers = 1,
   .dispatches = 64,
   .descriptor_writes = 64 * 256,
};

static VkKronosDeviceStatistics
passthrough_delta(void)
{
   return (VkKronosDeviceStatistics){
      .app_submits = 1,
      .vendor_submits = 1,
      .app_barriers = 1,
      .vendor_barriers = 1,
      .app_dispatches = 64,
      .vendor_dispatches = 64,
      .app_descriptor_writes = 64 * 256,
      .vendor_descriptor_writes = 64 * 256,
   };
}

static bool
check(const VkKronosDeviceStatistics *delta, unsigned passthrough, char *why)
{
   return bench_stats_check(delta, &did, passthrough, why, 512);
}

static void
test_passthrough_passes_everywhere(void **state)
{
   (void)state;
   char why[512];
   VkKronosDeviceStatistics delta = passthrough_delta();
   assert_true(check(&delta, 0, why));
   assert_true(check(&delta, BENCH_PASSTHROUGH_DESCRIPTOR, why));
   assert_true(check(&delta, BENCH_PASSTHROUGH_ALL, why));
}

static void
test_cached_descriptors(void **state)
{
   (void)state;
   char why[512];
   VkKronosDeviceStatistics delta = passthrough_delta();
   delta.vendor_descriptor_writes = 0; /* every set found in the cache */
   assert_true(check(&delta, 0, why));
   assert_true(check(&delta, BENCH_PASSTHROUGH_POOL | BENCH_PASSTHROUGH_BATCH, why));
   assert_false(check(&delta, BENCH_PASSTHROUGH_DESCRIPTOR, why));
   assert_non_null(strstr(why, "descriptor writes (vendor) is 0, expected 16384"));
   assert_false(check(&delta, BENCH_PASSTHROUGH_ALL, why));
}

static void
test_more_vendor_writes_fail(void **state)
{
   (void)state;
   char why[512];
   VkKronosDeviceStatistics delta = passthrough_delta();
   delta.vendor_descriptor_writes = delta.app_descriptor_writes + 1;
   assert_false(check(&delta, 0, why));
   assert_non_null(strstr(why, "expected at most 16384"));
   delta.app_descriptor_writes = 0; /* vendor writes where the application made none */
   delta.vendor_descriptor_writes = 2;
   struct bench_did none = did;
   none.descriptor_writes = 0;
   assert_false(bench_stats_check(&delta, &none, 0, why, sizeof(why)));
   assert_non_null(strstr(why, "descriptor writes (vendor) is 2, expected at most 0"));
}

static void
test_application_counts_exact(void **state)
{
   (void)state;
   char why[512];
   VkKronosDeviceStatistics delta = passthrough_delta();
   delta.app_descriptor_writes--;
   delta.vendor_descriptor_writes = 0;
   assert_false(check(&delta, 0, why));
   assert_non_null(strstr(why, "descriptor writes (application) is 16383, expected 16384"));
}

static void
test_other_optimizations_are_their_own(void **state)
{
   (void)state;
   char why[512];
   VkKronosDeviceStatistics delta = passthrough_delta();
   delta.app_submits = 3;
   delta.vendor_submits = 1; /* batched */
   struct bench_did three = did;
   three.submits = 3;
   assert_true(bench_stats_check(&delta, &three, BENCH_PASSTHROUGH_DESCRIPTOR, why, sizeof(why)));
   assert_false(bench_stats_check(&delta, &three, BENCH_PASSTHROUGH_BATCH, why, sizeof(why)));
}

static VkKronosDeviceStatistics
delta_with(uint64_t submits, uint64_t app, uint64_t vendor, uint64_t hazards, uint64_t ends)
{
   VkKronosDeviceStatistics d = {
      .app_submits = submits,
      .app_barriers = app,
      .vendor_barriers = vendor,
   };
   d.barriers_emitted[KRONOS_BARRIER_HAZARD] = hazards;
   d.barriers_emitted[KRONOS_BARRIER_END] = ends;
   return d;
}

/* A barrier row (bench_stats_check_barriers): graph-dag's 132 hazards and one end barrier per
 * command buffer, over 3 command buffers. */
static void
test_barrier_row_check(void **state)
{
   (void)state;
   char why[512] = "";
   const struct bench_barrier_expect expect = {true, 256, 132, 1};
   VkKronosDeviceStatistics d = delta_with(3, 768, 399, 396, 3);
   assert_true(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   /* the end barrier before a closing timestamp counts as a query's */
   d.barriers_emitted[KRONOS_BARRIER_END] = 0;
   d.barriers_emitted[KRONOS_BARRIER_QUERY] = 3;
   assert_true(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   d = delta_with(3, 768, 400, 397, 3); /* one hazard too many */
   assert_false(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   assert_non_null(strstr(why, "emitted for a hazard is 397, expected 396"));
   assert_non_null(strstr(why, "barriers (vendor) is 400, expected 399"));
   why[0] = '\0';
   d = delta_with(3, 768, 399, 396, 3);
   d.barriers_emitted[KRONOS_BARRIER_NOT_UNDERSTOOD] = 1;
   assert_false(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   assert_non_null(strstr(why, "emitted for another reason is 1, expected 0"));
   /* the policy off: vendor == application (bench_stats_check), nothing of the policy */
   why[0] = '\0';
   d = delta_with(3, 768, 768, 0, 0);
   assert_true(bench_stats_check_barriers(&d, &expect, BENCH_PASSTHROUGH_BARRIER, why,
                                          sizeof(why)));
   d.barriers_merged = 1;
   assert_false(bench_stats_check_barriers(&d, &expect, BENCH_PASSTHROUGH_BARRIER, why,
                                           sizeof(why)));
   /* KRONOS_BARRIER_DROP_ALL: the policy's decisions as usual, none reaching the vendor */
   d = delta_with(3, 768, 0, 396, 3);
   assert_true(bench_stats_check_barriers(&d, &expect, BENCH_DROP_ALL, why, sizeof(why)));
   assert_false(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   /* KRONOS_DISABLE=descriptor: vendor sets the policy cannot see into, so every barrier is
    * kept (for another reason than a hazard) and none dropped */
   why[0] = '\0';
   d = delta_with(3, 768, 768, 0, 3);
   d.app_barriers = 768;
   d.barriers_emitted[KRONOS_BARRIER_NOT_UNDERSTOOD] = 765;
   assert_true(bench_stats_check_barriers(&d, &expect, BENCH_PASSTHROUGH_DESCRIPTOR, why,
                                          sizeof(why)));
   assert_false(bench_stats_check_barriers(&d, &expect, 0, why, sizeof(why)));
   d.vendor_barriers = 767;
   d.barriers_dropped = 1;
   assert_false(bench_stats_check_barriers(&d, &expect, BENCH_PASSTHROUGH_DESCRIPTOR, why,
                                           sizeof(why)));
   assert_non_null(strstr(why, "dropped (sets not modelled) is 1, expected 0"));
}

/* bench_stats_check: every application barrier is vendor, dropped or merged. */
static void
test_barriers_accounted(void **state)
{
   (void)state;
   char why[512];
   const struct bench_did chain = {.submits = 1, .barriers = 256, .dispatches = 256};
   VkKronosDeviceStatistics d = {
      .app_submits = 1,
      .vendor_submits = 1,
      .app_dispatches = 256,
      .vendor_dispatches = 256,
      .app_barriers = 256,
      .vendor_barriers = 1,
      .barriers_merged = 255,
   };
   assert_true(bench_stats_check(&d, &chain, 0, why, sizeof(why)));
   d.barriers_merged = 254;
   assert_false(bench_stats_check(&d, &chain, 0, why, sizeof(why)));
   assert_non_null(strstr(why, "not the application's 256"));
   d.barriers_dropped = 1;
   assert_true(bench_stats_check(&d, &chain, 0, why, sizeof(why)));
   assert_false(bench_stats_check(&d, &chain, BENCH_PASSTHROUGH_BARRIER, why, sizeof(why)));
   /* KRONOS_BARRIER_DROP_ALL: no vendor barrier, whatever the policy counted */
   assert_false(bench_stats_check(&d, &chain, BENCH_DROP_ALL, why, sizeof(why)));
   assert_non_null(strstr(why, "barriers (vendor) is 1, expected 0"));
   d.vendor_barriers = 0;
   assert_true(bench_stats_check(&d, &chain, BENCH_DROP_ALL, why, sizeof(why)));
   assert_false(bench_stats_check(&d, &chain, 0, why, sizeof(why)));
}

static int
parse(const char *arg, struct bench_options *options)
{
   char *argv[] = {"kronos-bench", (char *)arg, NULL};
   return bench_options_parse(arg ? 2 : 1, argv, options);
}

static void
test_option(void **state)
{
   (void)state;
   struct bench_options options;
   assert_int_equal(parse(NULL, &options), -1);
   assert_int_equal(options.expect_passthrough, 0);
   assert_int_equal(parse("--expect-passthrough", &options), -1);
   assert_int_equal(options.expect_passthrough, BENCH_PASSTHROUGH_ALL);
   assert_int_equal(parse("--expect-passthrough=descriptor", &options), -1);
   assert_int_equal(options.expect_passthrough, BENCH_PASSTHROUGH_DESCRIPTOR);
   assert_int_equal(parse("--expect-passthrough=pool,batch", &options), -1);
   assert_int_equal(options.expect_passthrough, BENCH_PASSTHROUGH_POOL | BENCH_PASSTHROUGH_BATCH);
   assert_int_equal(parse("--expect-passthrough=all", &options), -1);
   assert_int_equal(options.expect_passthrough, BENCH_PASSTHROUGH_ALL);
   assert_int_not_equal(parse("--expect-passthrough=", &options), -1);
   assert_int_not_equal(parse("--expect-passthrough=descriptors", &options), -1);
   assert_int_not_equal(parse("--expect-passthrough=pool,", &options), -1);
   assert_int_equal(parse("--expect-drop-all", &options), -1);
   assert_int_equal(options.expect_passthrough, BENCH_DROP_ALL);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_passthrough_passes_everywhere),
      cmocka_unit_test(test_cached_descriptors),
      cmocka_unit_test(test_more_vendor_writes_fail),
      cmocka_unit_test(test_application_counts_exact),
      cmocka_unit_test(test_other_optimizations_are_their_own),
      cmocka_unit_test(test_barrier_row_check),
      cmocka_unit_test(test_barriers_accounted),
      cmocka_unit_test(test_option),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
