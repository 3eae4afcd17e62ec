/* SPDX-License-Identifier: MIT */
/* The handle map (kr_handle_map.c): puts, gets and takes against a plain array model, through
 * growth and backward-shift deletion, with handle values that collide in the low bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kr_handle_map.h"

#define KEYS 5000

static uint64_t
next_random(uint64_t *state)
{
   *state ^= *state << 13;
   *state ^= *state >> 7;
   *state ^= *state << 17;
   return *state;
}

static void
test_basic(void **unused)
{
   (void)unused;
   struct kr_handle_map map;
   kr_handle_map_init(&map, NULL);
   int a, b;
   assert_null(kr_handle_map_get(&map, 1));
   assert_null(kr_handle_map_take(&map, 1));
   assert_true(kr_handle_map_put(&map, 1, &a));
   assert_true(kr_handle_map_put(&map, 2, &b));
   assert_ptr_equal(kr_handle_map_get(&map, 1), &a);
   assert_true(kr_handle_map_put(&map, 1, &b)); /* replaces */
   assert_ptr_equal(kr_handle_map_get(&map, 1), &b);
   assert_int_equal(map.count, 2);
   assert_ptr_equal(kr_handle_map_take(&map, 1), &b);
   assert_null(kr_handle_map_get(&map, 1));
   assert_ptr_equal(kr_handle_map_get(&map, 2), &b);
   assert_null(kr_handle_map_get(&map, 0)); /* 0 is never a key */
   kr_handle_map_finish(&map);
}

/* Random operations on keys that share their low bits (pointers 4 KiB apart) and on small
 * counters, checked after each against the model. */
static void
test_random_against_model(void **unused)
{
   (void)unused;
   static uint64_t keys[KEYS];
   static void *model[KEYS];
   static char values[KEYS];
   for (uint32_t i = 0; i < KEYS; i++)
      keys[i] = i % 2 ? (uint64_t)(i + 1) : 0x7f0000000000ull + (uint64_t)i * 4096;
   struct kr_handle_map map;
   kr_handle_map_init(&map, NULL);
   uint64_t state = 0x9e3779b97f4a7c15ull;
   uint32_t live = 0;
   for (uint32_t step = 0; step < 200000; step++) {
      uint32_t k = (uint32_t)(next_random(&state) % KEYS);
      switch (next_random(&state) % 3) {
      case 0:
         live += model[k] == NULL;
         model[k] = &values[next_random(&state) % KEYS];
         assert_true(kr_handle_map_put(&map, keys[k], model[k]));
         break;
      case 1:
         assert_ptr_equal(kr_handle_map_take(&map, keys[k]), model[k]);
         live -= model[k] != NULL;
         model[k] = NULL;
         break;
      default:
         assert_ptr_equal(kr_handle_map_get(&map, keys[k]), model[k]);
         break;
      }
      assert_int_equal(map.count, live);
   }
   for (uint32_t i = 0; i < KEYS; i++)
      assert_ptr_equal(kr_handle_map_get(&map, keys[i]), model[i]);
   kr_handle_map_finish(&map);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_random_against_model),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
