/* SPDX-License-Identifier: MIT */
/* KRONOS_VENDOR_LAYERS's names (src/kr_layer_names.h): separators, duplicates, and the lists
 * rejected with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kr_layer_names.h"

static char names[4][VK_MAX_EXTENSION_NAME_SIZE];

static void
splits_and_dedups(void **state)
{
   (void)state;
   uint32_t count = 99;
   char err[128] = "";
   assert_true(kr_parse_layer_names("", names, 4, &count, err, sizeof(err)));
   assert_int_equal(count, 0);
   assert_true(kr_parse_layer_names(" :,\t", names, 4, &count, err, sizeof(err)));
   assert_int_equal(count, 0);
   assert_true(kr_parse_layer_names(":VK_LAYER_a,, VK_LAYER_b\tVK_LAYER_a:VK_LAYER_c ", names, 4,
                                    &count, err, sizeof(err)));
   assert_int_equal(count, 3);
   assert_string_equal(names[0], "VK_LAYER_a");
   assert_string_equal(names[1], "VK_LAYER_b");
   assert_string_equal(names[2], "VK_LAYER_c");
   /* Four names fill four places; a name given again takes none. */
   assert_true(kr_parse_layer_names("a:b:c:d:a", names, 4, &count, err, sizeof(err)));
   assert_int_equal(count, 4);
}

static void
rejects_too_many_and_too_long(void **state)
{
   (void)state;
   uint32_t count;
   char err[512] = "";
   assert_false(kr_parse_layer_names("a:b:c:d:e", names, 4, &count, err, sizeof(err)));
   assert_string_equal(err, "more than 4 layers");

   char text[VK_MAX_EXTENSION_NAME_SIZE + 8] = "a:";
   memset(text + 2, 'x', VK_MAX_EXTENSION_NAME_SIZE - 1);
   text[2 + VK_MAX_EXTENSION_NAME_SIZE - 1] = '\0';
   assert_true(kr_parse_layer_names(text, names, 4, &count, err, sizeof(err)));
   assert_int_equal(strlen(names[1]), VK_MAX_EXTENSION_NAME_SIZE - 1);
   strcat(text, "x");
   assert_false(kr_parse_layer_names(text, names, 4, &count, err, sizeof(err)));
   assert_non_null(strstr(err, "is longer than 255 bytes"));
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(splits_and_dedups),
      cmocka_unit_test(rejects_too_many_and_too_long),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
