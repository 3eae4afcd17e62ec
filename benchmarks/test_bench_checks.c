/* SPDX-License-Identifier: MIT */
/* kronos-bench's counter checks without a device: application counters must equal what the
 * benchmark did; vendor descriptor writes may fall below the application's (persistent
 * descriptors) but never exceed them; with an optimization expected off
 * (--expect-passthrough[=LIST]) its vendor counters must equal the application's. */
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
      cmocka_unit_test(test_option),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
