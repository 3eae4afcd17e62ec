/* SPDX-License-Identifier: MIT */
/* KRONOS_DISABLE parsing: each optimization is switched off by its own name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_names_and_all),
      cmocka_unit_test(reports_unknown_names),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
