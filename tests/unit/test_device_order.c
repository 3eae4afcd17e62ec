/* SPDX-License-Identifier: MIT */
/* Unit tests of the order Kronos lists physical devices in (src/kr_device_order.h): discrete
 * GPUs first and CPU devices last, and within a type the enumeration order (vendors, then
 * each vendor's devices), whatever the addresses of the objects. Before issue 9 (item 5) the
 * sort compared addresses, so two devices of one type came out in allocation order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kr_device_order.h"

#define COUNT 6

/* Enumeration order: vendor A's discrete GPU 0, CPU 1, discrete GPU 2; vendor B's CPU 3,
 * integrated GPU 4, discrete GPU 5. The objects lie in memory in the reverse order, as an
 * allocator may place them. */
static const VkPhysicalDeviceType types[COUNT] = {
   VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_CPU,
   VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_CPU,
   VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU,
};

static void
enumerated(struct kr_physical_device *storage, struct kr_physical_device **list)
{
   for (uint32_t i = 0; i < COUNT; i++) {
      struct kr_physical_device *pd = &storage[COUNT - 1 - i];
      pd->state.device_type = types[i];
      pd->enumeration_index = i;
      list[i] = pd;
   }
}

static void
types_first_then_enumeration_order(void **state)
{
   (void)state;
   struct kr_physical_device *storage = calloc(COUNT, sizeof(*storage));
   assert_non_null(storage);
   struct kr_physical_device *list[COUNT];
   enumerated(storage, list);
   kr_physical_devices_sort(list, COUNT);
   /* discrete 0, 2, 5; integrated 4; CPU 1, 3 */
   static const uint32_t expected[COUNT] = {0, 2, 5, 4, 1, 3};
   for (uint32_t i = 0; i < COUNT; i++)
      assert_int_equal(list[i]->enumeration_index, expected[i]);
   free(storage);
}

static void
order_of_two_devices(void **state)
{
   (void)state;
   struct kr_physical_device *storage = calloc(2, sizeof(*storage));
   assert_non_null(storage);
   /* The later-enumerated device at the lower address. */
   struct kr_physical_device *first = &storage[1], *second = &storage[0];
   first->enumeration_index = 0;
   second->enumeration_index = 1;
   first->state.device_type = second->state.device_type = VK_PHYSICAL_DEVICE_TYPE_CPU;
   assert_true(kr_physical_device_order(first, second) < 0);
   assert_true(kr_physical_device_order(second, first) > 0);
   assert_int_equal(kr_physical_device_order(first, first), 0);
   /* A type ranks before any index. */
   second->state.device_type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
   assert_true(kr_physical_device_order(second, first) < 0);
   free(storage);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(types_first_then_enumeration_order),
      cmocka_unit_test(order_of_two_devices),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
