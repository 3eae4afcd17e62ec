/* SPDX-License-Identifier: MIT */
/* Unit tests of an object's private data storage (src/kr_private_data.h): more slots than any
 * fixed table held, sparse and unordered slot indices, overwrites, zero values that need no
 * storage, the reservation as first capacity, and failing allocation callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_private_data.h"

/* Callbacks that count live allocations and fail after `budget` more (-1: never). */
struct counting {
   long live;
   long budget;
   size_t last_size;
};

static void *VKAPI_PTR
counting_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   struct counting *c = user;
   if (c->budget == 0)
      return NULL;
   if (c->budget > 0)
      c->budget--;
   void *ptr = aligned_alloc(alignment < 8 ? 8 : alignment, (size + 7) & ~(size_t)7);
   if (ptr) {
      c->live++;
      c->last_size = size;
   }
   return ptr;
}

static void VKAPI_PTR
counting_free(void *user, void *ptr)
{
   struct counting *c = user;
   if (ptr) {
      c->live--;
      free(ptr);
   }
}

static VkAllocationCallbacks
callbacks_of(struct counting *c)
{
   return (VkAllocationCallbacks){
      .pUserData = c,
      .pfnAllocation = counting_alloc,
      .pfnFree = counting_free,
   };
}

static void
many_slots_each_keep_their_value(void **state)
{
   (void)state;
   struct counting c = {.budget = -1};
   const VkAllocationCallbacks alloc = callbacks_of(&c);
   struct kr_private_data data = {0};
   /* 1000 slots, set in a scrambled order with gaps between indices. */
   for (uint64_t i = 0; i < 1000; i++) {
      uint64_t index = (i * 7919) % 1000 * 3 + 1;
      assert_int_equal(kr_private_data_set(&data, &alloc, 0, index, index * 10), VK_SUCCESS);
   }
   assert_int_equal(data.count, 1000);
   for (uint64_t index = 1; index <= 3000; index++)
      assert_int_equal(kr_private_data_get(&data, index), index % 3 == 1 ? index * 10 : 0);
   for (uint32_t i = 1; i < data.count; i++)
      assert_true(data.entries[i - 1].slot_index < data.entries[i].slot_index);
   kr_private_data_finish(&data, &alloc);
   assert_int_equal(c.live, 0);
   assert_null(data.entries);
}

static void
overwrite_and_zero(void **state)
{
   (void)state;
   struct counting c = {.budget = -1};
   const VkAllocationCallbacks alloc = callbacks_of(&c);
   struct kr_private_data data = {0};
   /* A zero for a slot without an entry needs no storage: it reads 0 already. */
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 5, 0), VK_SUCCESS);
   assert_int_equal(c.live, 0);
   assert_int_equal(kr_private_data_get(&data, 5), 0);
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 5, 42), VK_SUCCESS);
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 2, 7), VK_SUCCESS);
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 5, 43), VK_SUCCESS);
   assert_int_equal(kr_private_data_get(&data, 5), 43);
   assert_int_equal(kr_private_data_get(&data, 2), 7);
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 5, 0), VK_SUCCESS);
   assert_int_equal(kr_private_data_get(&data, 5), 0);
   assert_int_equal(kr_private_data_get(&data, 2), 7);
   assert_int_equal(kr_private_data_get(&data, UINT64_MAX), 0);
   kr_private_data_finish(&data, &alloc);
   assert_int_equal(c.live, 0);
}

static void
reservation_is_the_first_capacity(void **state)
{
   (void)state;
   struct counting c = {.budget = -1};
   const VkAllocationCallbacks alloc = callbacks_of(&c);
   struct kr_private_data data = {0};
   assert_int_equal(kr_private_data_set(&data, &alloc, 20, 1, 1), VK_SUCCESS);
   assert_int_equal(data.capacity, 20);
   assert_int_equal(c.last_size, 20 * sizeof(struct kr_private_data_entry));
   /* The 20 reserved slots need no further allocation: none is allowed. */
   c.budget = 0;
   for (uint64_t index = 2; index <= 20; index++)
      assert_int_equal(kr_private_data_set(&data, &alloc, 20, index, index), VK_SUCCESS);
   assert_int_equal(c.live, 1);
   kr_private_data_finish(&data, &alloc);
   assert_int_equal(c.live, 0);
}

static void
out_of_host_memory_changes_nothing(void **state)
{
   (void)state;
   struct counting c = {.budget = 0};
   const VkAllocationCallbacks alloc = callbacks_of(&c);
   struct kr_private_data data = {0};
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 1, 11), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_private_data_get(&data, 1), 0);
   assert_int_equal(data.count, 0);
   c.budget = 1;
   for (uint64_t index = 1; index <= 4; index++)
      assert_int_equal(kr_private_data_set(&data, &alloc, 0, index, index + 10), VK_SUCCESS);
   /* Full: the fifth needs to grow, which fails; the four stay. */
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 9, 19), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(kr_private_data_get(&data, 9), 0);
   for (uint64_t index = 1; index <= 4; index++)
      assert_int_equal(kr_private_data_get(&data, index), index + 10);
   /* An overwrite needs no room. */
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 3, 99), VK_SUCCESS);
   assert_int_equal(kr_private_data_get(&data, 3), 99);
   c.budget = -1;
   assert_int_equal(kr_private_data_set(&data, &alloc, 0, 9, 19), VK_SUCCESS);
   assert_int_equal(kr_private_data_get(&data, 9), 19);
   kr_private_data_finish(&data, &alloc);
   assert_int_equal(c.live, 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(many_slots_each_keep_their_value),
      cmocka_unit_test(overwrite_and_zero),
      cmocka_unit_test(reservation_is_the_first_capacity),
      cmocka_unit_test(out_of_host_memory_changes_nothing),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
