/* SPDX-License-Identifier: MIT */
/* Unit tests of the object base (src/kr_object.h) and of vkSetDebugUtilsObjectNameEXT on
 * Kronos's objects (src/kr_debug_utils.c), against a device whose vendor functions are mocks:
 * each pooled allocation keeps a name of its own and the block they share is not renamed
 * (before issue 9 every allocation's name went to its block), memory of its own and real
 * fences are named at the vendor too, point fences only in Kronos; names are replaced and
 * removed, and allocated with the device's callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_entrypoints.h"
#include "kr_objects.h"

/* What the mock vendor vkSetDebugUtilsObjectNameEXT was called with. */
static struct {
   unsigned calls;
   VkDevice device;
   VkObjectType type;
   uint64_t handle;
   char name[64];
} vendor_named;

static VKAPI_ATTR VkResult VKAPI_CALL
mock_set_name(VkDevice device, const VkDebugUtilsObjectNameInfoEXT *info)
{
   vendor_named.calls++;
   vendor_named.device = device;
   vendor_named.type = info->objectType;
   vendor_named.handle = info->objectHandle;
   snprintf(vendor_named.name, sizeof(vendor_named.name), "%s",
            info->pObjectName ? info->pObjectName : "");
   return VK_SUCCESS;
}

struct counting {
   long live;
};

static void *VKAPI_PTR
counting_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   void *ptr = aligned_alloc(alignment < 8 ? 8 : alignment, (size + 7) & ~(size_t)7);
   if (ptr)
      ((struct counting *)user)->live++;
   return ptr;
}

static void VKAPI_PTR
counting_free(void *user, void *ptr)
{
   if (ptr) {
      ((struct counting *)user)->live--;
      free(ptr);
   }
}

#define VENDOR_DEVICE ((VkDevice)(uintptr_t)0xd0d0)
#define VENDOR_BLOCK ((VkDeviceMemory)(uintptr_t)0xb10c)

/* A device with the mock and counting callbacks, as far as naming needs one. */
static struct kr_device device;
static struct counting counter;

static int
setup(void **state)
{
   (void)state;
   memset(&device, 0, sizeof(device));
   memset(&vendor_named, 0, sizeof(vendor_named));
   counter.live = 0;
   device.alloc_storage = (VkAllocationCallbacks){
      .pUserData = &counter,
      .pfnAllocation = counting_alloc,
      .pfnFree = counting_free,
   };
   device.alloc = &device.alloc_storage;
   device.handle = VENDOR_DEVICE;
   device.disp.SetDebugUtilsObjectNameEXT = mock_set_name;
   kr_object_base_init(&device.base, VK_OBJECT_TYPE_DEVICE, device.alloc);
   return 0;
}

static VkResult
set_name(VkObjectType type, uint64_t handle, const char *name)
{
   const VkDebugUtilsObjectNameInfoEXT info = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
      .objectType = type,
      .objectHandle = handle,
      .pObjectName = name,
   };
   return kr_SetDebugUtilsObjectNameEXT(kr_device_to_handle(&device), &info);
}

/* A pooled allocation of the block at offset. */
static void
pooled_memory(struct kr_memory *memory, struct kr_memory_block *block, VkDeviceSize offset)
{
   memset(memory, 0, sizeof(*memory));
   kr_object_base_init(&memory->base, VK_OBJECT_TYPE_DEVICE_MEMORY, device.alloc);
   memory->block = block;
   memory->vendor = block->vendor;
   memory->offset = offset;
   memory->size = 4096;
}

static void
pooled_allocations_have_names_of_their_own(void **state)
{
   (void)state;
   struct kr_memory_block block = {.vendor = VENDOR_BLOCK, .size = 1 << 20};
   struct kr_memory first, second;
   pooled_memory(&first, &block, 0);
   pooled_memory(&second, &block, 4096);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE_MEMORY,
                             (uint64_t)kr_memory_to_handle(&first), "weights"), VK_SUCCESS);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE_MEMORY,
                             (uint64_t)kr_memory_to_handle(&second), "activations"), VK_SUCCESS);
   assert_string_equal(kr_object_name(&first.base), "weights");
   assert_string_equal(kr_object_name(&second.base), "activations");
   /* The block is shared: naming it after one of its allocations would be wrong. */
   assert_int_equal(vendor_named.calls, 0);
   struct kr_object_base *found =
      kr_object_base_from_handle(VK_OBJECT_TYPE_DEVICE_MEMORY, (uint64_t)kr_memory_to_handle(&second));
   assert_ptr_equal(found, &second.base);
   kr_object_base_finish(&first.base);
   kr_object_base_finish(&second.base);
   assert_int_equal(counter.live, 0);
}

static void
memory_of_its_own_is_named_at_the_vendor_too(void **state)
{
   (void)state;
   struct kr_memory memory = {.vendor = (VkDeviceMemory)(uintptr_t)0x3e3, .size = 1 << 28};
   kr_object_base_init(&memory.base, VK_OBJECT_TYPE_DEVICE_MEMORY, device.alloc);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE_MEMORY, (uint64_t)kr_memory_to_handle(&memory),
                             "big"), VK_SUCCESS);
   assert_string_equal(kr_object_name(&memory.base), "big");
   assert_int_equal(vendor_named.calls, 1);
   assert_ptr_equal(vendor_named.device, VENDOR_DEVICE);
   assert_int_equal(vendor_named.type, VK_OBJECT_TYPE_DEVICE_MEMORY);
   assert_int_equal(vendor_named.handle, 0x3e3);
   assert_string_equal(vendor_named.name, "big");
   kr_object_base_finish(&memory.base);
   assert_int_equal(counter.live, 0);
}

static void
point_fences_are_named_in_kronos_only(void **state)
{
   (void)state;
   struct kr_fence point = {0}, real = {.vendor = (VkFence)(uintptr_t)0xfe};
   kr_object_base_init(&point.base, VK_OBJECT_TYPE_FENCE, device.alloc);
   kr_object_base_init(&real.base, VK_OBJECT_TYPE_FENCE, device.alloc);
   assert_int_equal(set_name(VK_OBJECT_TYPE_FENCE, (uint64_t)kr_fence_to_handle(&point), "p"),
                    VK_SUCCESS);
   assert_int_equal(vendor_named.calls, 0);
   assert_int_equal(set_name(VK_OBJECT_TYPE_FENCE, (uint64_t)kr_fence_to_handle(&real), "r"),
                    VK_SUCCESS);
   assert_int_equal(vendor_named.calls, 1);
   assert_int_equal(vendor_named.handle, 0xfe);
   assert_string_equal(kr_object_name(&point.base), "p");
   assert_string_equal(kr_object_name(&real.base), "r");
   kr_object_base_finish(&point.base);
   kr_object_base_finish(&real.base);
   assert_int_equal(counter.live, 0);
}

static void
names_are_replaced_and_removed(void **state)
{
   (void)state;
   VkDevice handle = kr_device_to_handle(&device);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)handle, "first"),
                    VK_SUCCESS);
   assert_int_equal(vendor_named.handle, (uint64_t)(uintptr_t)VENDOR_DEVICE);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)handle, "second"),
                    VK_SUCCESS);
   assert_string_equal(kr_object_name(&device.base), "second");
   assert_int_equal(counter.live, 1);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)handle, ""), VK_SUCCESS);
   assert_null(kr_object_name(&device.base));
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)handle, "third"),
                    VK_SUCCESS);
   assert_int_equal(set_name(VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)handle, NULL),
                    VK_SUCCESS);
   assert_null(kr_object_name(&device.base));
   assert_int_equal(counter.live, 0);
   assert_int_equal(vendor_named.calls, 5);
   kr_object_base_finish(&device.base);
}

static void
vendor_objects_have_no_base(void **state)
{
   (void)state;
   assert_null(kr_object_base_from_handle(VK_OBJECT_TYPE_BUFFER, 0x1234));
   assert_null(kr_object_base_from_handle(VK_OBJECT_TYPE_PIPELINE, 0x1234));
   assert_null(kr_object_base_from_handle(VK_OBJECT_TYPE_FENCE, 0));
   /* A buffer is the vendor's own: named there, with its handle unchanged. */
   assert_int_equal(set_name(VK_OBJECT_TYPE_BUFFER, 0x1234, "buf"), VK_SUCCESS);
   assert_int_equal(vendor_named.calls, 1);
   assert_int_equal(vendor_named.handle, 0x1234);
   kr_object_base_finish(&device.base);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(pooled_allocations_have_names_of_their_own, setup),
      cmocka_unit_test_setup(memory_of_its_own_is_named_at_the_vendor_too, setup),
      cmocka_unit_test_setup(point_fences_are_named_in_kronos_only, setup),
      cmocka_unit_test_setup(names_are_replaced_and_removed, setup),
      cmocka_unit_test_setup(vendor_objects_have_no_base, setup),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
