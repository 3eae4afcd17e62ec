/* SPDX-License-Identifier: MIT */
/* Settings parsing: KRONOS_DISABLE switches each optimization off by its own name; numeric
 * settings are whole decimal numbers, else their default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kr_settings.h"

static void
parses_names_and_all(void **state)
{
   (void)state;
   char unknown[32];
   assert_int_equal(kr_parse_disable_list(NULL, unknown, sizeof(unknown)), 0);
   assert_int_equal(kr_parse_disable_list("", unknown, sizeof(unknown)), 0);
   assert_int_equal(kr_parse_disable_list("pool", unknown, sizeof(unknown)), 1u << KR_OPT_POOL);
   assert_string_equal(unknown, "");
   assert_int_equal(kr_parse_disable_list("batch, descriptor", unknown, sizeof(unknown)),
                    (1u << KR_OPT_BATCH) | (1u << KR_OPT_DESCRIPTOR));
   assert_int_equal(kr_parse_disable_list("barrier,pool", unknown, sizeof(unknown)),
                    (1u << KR_OPT_BARRIER) | (1u << KR_OPT_POOL));
   assert_int_equal(kr_parse_disable_list("all", unknown, sizeof(unknown)),
                    (1u << KR_OPT_COUNT) - 1);
}

static void
reports_unknown_names(void **state)
{
   (void)state;
   char unknown[32];
   /* A prefix of a name is not the name. */
   assert_int_equal(kr_parse_disable_list("poo,batch,pools", unknown, sizeof(unknown)),
                    1u << KR_OPT_BATCH);
   assert_string_equal(unknown, "poo");
}

static void
parses_numbers(void **state)
{
   (void)state;
   unsigned long n = 7;
   assert_true(kr_parse_number("0", &n));
   assert_int_equal(n, 0);
   assert_true(kr_parse_number("4096", &n));
   assert_int_equal(n, 4096);
   /* strtoul's syntax, as the settings have always been read. */
   assert_true(kr_parse_number(" +12", &n));
   assert_int_equal(n, 12);
   n = 7;
   assert_false(kr_parse_number("", &n));
   assert_false(kr_parse_number(" ", &n));
   assert_false(kr_parse_number("12x", &n));
   assert_false(kr_parse_number("0x10", &n));
   assert_false(kr_parse_number("12 ", &n));
   assert_int_equal(n, 7);
}

/* kr_setting_number reads the environment through kr_parse_number: unset, empty and malformed
 * values give the fallback. */
static void
reads_number_settings(void **state)
{
   (void)state;
   unsetenv("KRONOS_BATCH_LIMIT");
   assert_int_equal(kr_setting_number(KR_SETTING_BATCH_LIMIT, 5), 5);
   setenv("KRONOS_BATCH_LIMIT", "", 1);
   assert_int_equal(kr_setting_number(KR_SETTING_BATCH_LIMIT, 5), 5);
   setenv("KRONOS_BATCH_LIMIT", "32", 1);
   assert_int_equal(kr_setting_number(KR_SETTING_BATCH_LIMIT, 5), 32);
   setenv("KRONOS_BATCH_LIMIT", "32k", 1);
   assert_int_equal(kr_setting_number(KR_SETTING_BATCH_LIMIT, 5), 5);
   unsetenv("KRONOS_BATCH_LIMIT");
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_names_and_all),
      cmocka_unit_test(reports_unknown_names),
      cmocka_unit_test(parses_numbers),
      cmocka_unit_test(reads_number_settings),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
