/* SPDX-License-Identifier: MIT */
/* Private data (vkSetPrivateData, issue 9 item 3), on the vendor's device and on Kronos's over
 * it in one instance (VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>); everything checked
 * on Kronos is checked the same way on the vendor directly, so both must behave alike:
 *  - many_slots: ten live slots on each of the device, its queue, a command pool and buffer, a
 *    fence and a binary semaphore (points on a timeline for Kronos), two pooled allocations of
 *    one block and a buffer; every object reads back its own value in every slot; what was
 *    allocated with the device's callbacks is all freed with them;
 *  - recreated_slot: a slot destroyed and a new one created through callbacks that hand the
 *    freed memory out again, so the new slot gets the old one's handle value (checked): it
 *    reads 0 on every object, and a slot that stayed keeps its values;
 *  - out_of_host_memory (Kronos only: the vendor's own storage does not use the callbacks):
 *    vkSetPrivateData on Kronos's objects fails with VK_ERROR_OUT_OF_HOST_MEMORY when the
 *    device's callbacks fail, and changes nothing;
 *  - reservations: two VkDevicePrivateDataCreateInfo in vkCreateDevice's chain (which the
 *    specification allows, their counts adding up), then more live slots than reserved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

#define SLOT_COUNT 10
#define TARGET_COUNT 9

/* --- Allocation callbacks ------------------------------------------------------------------ */

/* Counts what is live, can be told to fail, and hands a freed block of the same size and
 * alignment out again (most recent first), as an allocator that reuses memory at once would:
 * objects destroyed and created again get the same address, and so the same handle. */
#define RECYCLED_MAX 8

struct test_allocator {
   long live;
   long allocations;
   bool fail;
   uint32_t recycled_count;
   struct {
      void *ptr;
      size_t size, alignment;
   } recycled[RECYCLED_MAX];
};

struct block_header {
   void *block;
   size_t size, alignment;
};

static void *VKAPI_PTR
test_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   struct test_allocator *a = user;
   if (a->fail)
      return NULL;
   for (uint32_t i = a->recycled_count; i-- > 0;) {
      if (a->recycled[i].size == size && a->recycled[i].alignment == alignment) {
         void *ptr = a->recycled[i].ptr;
         a->recycled[i] = a->recycled[--a->recycled_count];
         a->live++;
         a->allocations++;
         return ptr;
      }
   }
   const size_t asked = alignment;
   if (alignment < sizeof(struct block_header))
      alignment = sizeof(struct block_header);
   uint8_t *block = malloc(size + alignment + sizeof(struct block_header));
   if (!block)
      return NULL;
   uintptr_t start = (uintptr_t)(block + sizeof(struct block_header));
   uint8_t *ptr = (uint8_t *)((start + alignment - 1) & ~(uintptr_t)(alignment - 1));
   /* The size and alignment asked for, so that a reuse matches the request exactly. */
   struct block_header h = {block, size, asked};
   memcpy(ptr - sizeof(h), &h, sizeof(h));
   a->live++;
   a->allocations++;
   return ptr;
}

static struct block_header
header_of(void *ptr)
{
   struct block_header h;
   memcpy(&h, (uint8_t *)ptr - sizeof(h), sizeof(h));
   return h;
}

static void VKAPI_PTR
test_free(void *user, void *ptr)
{
   struct test_allocator *a = user;
   if (!ptr)
      return;
   a->live--;
   if (a->recycled_count == RECYCLED_MAX) {
      free(header_of(a->recycled[0].ptr).block);
      memmove(&a->recycled[0], &a->recycled[1], sizeof(a->recycled[0]) * (RECYCLED_MAX - 1));
      a->recycled_count--;
   }
   struct block_header h = header_of(ptr);
   a->recycled[a->recycled_count].ptr = ptr;
   a->recycled[a->recycled_count].size = h.size;
   a->recycled[a->recycled_count].alignment = h.alignment;
   a->recycled_count++;
}

static void *VKAPI_PTR
test_realloc(void *user, void *original, size_t size, size_t alignment,
             VkSystemAllocationScope scope)
{
   if (!original)
      return test_alloc(user, size, alignment, scope);
   if (size == 0) {
      test_free(user, original);
      return NULL;
   }
   void *copy = test_alloc(user, size, alignment, scope);
   if (!copy)
      return NULL;
   size_t old = header_of(original).size;
   memcpy(copy, original, old < size ? old : size);
   test_free(user, original);
   return copy;
}

static VkAllocationCallbacks
callbacks_of(struct test_allocator *a)
{
   return (VkAllocationCallbacks){
      .pUserData = a,
      .pfnAllocation = test_alloc,
      .pfnReallocation = test_realloc,
      .pfnFree = test_free,
   };
}

static void
test_allocator_finish(struct test_allocator *a)
{
   for (uint32_t i = 0; i < a->recycled_count; i++)
      free(header_of(a->recycled[i].ptr).block);
   a->recycled_count = 0;
}

/* --- Devices and objects ------------------------------------------------------------------ */

static VkInstance instance;
static VkPhysicalDevice sides[2]; /* the vendor's device, Kronos's over it */
static const char *const side_names[2] = {"vendor", "kronos"};

/* A device (privateData enabled, created with allocator) and one object of each kind. */
struct objects {
   VkDevice device;
   VkQueue queue;
   VkCommandPool pool;
   VkCommandBuffer cmd;
   VkFence fence;
   VkSemaphore semaphore;
   VkDeviceMemory memory[2]; /* small: pooled by Kronos, from one block */
   VkBuffer buffer;
   const VkAllocationCallbacks *allocator;
};

static VkResult
objects_open(VkPhysicalDevice physical, const void *next, const VkAllocationCallbacks *allocator,
             struct objects *o)
{
   memset(o, 0, sizeof(*o));
   o->allocator = allocator;
   VkPhysicalDeviceVulkan13Features features13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .pNext = (void *)next,
      .privateData = VK_TRUE,
   };
   uint32_t family = it_compute_family(physical);
   VkResult result = it_create_device(physical, family, &features13, NULL, NULL, 0, allocator,
                                      &o->device);
   if (result != VK_SUCCESS)
      return result;
   vkGetDeviceQueue(o->device, family, 0, &o->queue);
   result = it_create_command_pool(o->device, family, 0, NULL, &o->pool);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(o->device, o->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                           &o->cmd);
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   if (result == VK_SUCCESS)
      result = vkCreateFence(o->device, &fence_info, NULL, &o->fence);
   const VkSemaphoreCreateInfo semaphore_info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   if (result == VK_SUCCESS)
      result = vkCreateSemaphore(o->device, &semaphore_info, NULL, &o->semaphore);
   const VkBufferCreateInfo buffer_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 4096,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
   };
   if (result == VK_SUCCESS)
      result = vkCreateBuffer(o->device, &buffer_info, NULL, &o->buffer);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(o->device, o->buffer, &req);
   const VkMemoryAllocateInfo memory_info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = 4096,
      .memoryTypeIndex = it_memory_type(physical, req.memoryTypeBits,
                                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                           VK_MEMORY_PROPERTY_HOST_COHERENT_BIT),
   };
   if (memory_info.memoryTypeIndex == UINT32_MAX)
      return VK_ERROR_FEATURE_NOT_PRESENT;
   for (int i = 0; i < 2 && result == VK_SUCCESS; i++)
      result = vkAllocateMemory(o->device, &memory_info, NULL, &o->memory[i]);
   return result;
}

static void
objects_close(struct objects *o)
{
   if (!o->device)
      return;
   for (int i = 0; i < 2; i++)
      vkFreeMemory(o->device, o->memory[i], NULL);
   vkDestroyBuffer(o->device, o->buffer, NULL);
   vkDestroySemaphore(o->device, o->semaphore, NULL);
   vkDestroyFence(o->device, o->fence, NULL);
   vkDestroyCommandPool(o->device, o->pool, NULL);
   vkDestroyDevice(o->device, o->allocator);
   memset(o, 0, sizeof(*o));
}

/* The objects private data is set on. */
static void
targets_of(const struct objects *o, VkObjectType types[TARGET_COUNT],
           uint64_t handles[TARGET_COUNT])
{
   const struct {
      VkObjectType type;
      uint64_t handle;
   } t[TARGET_COUNT] = {
      {VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)o->device},
      {VK_OBJECT_TYPE_QUEUE, (uint64_t)(uintptr_t)o->queue},
      {VK_OBJECT_TYPE_COMMAND_POOL, (uint64_t)o->pool},
      {VK_OBJECT_TYPE_COMMAND_BUFFER, (uint64_t)(uintptr_t)o->cmd},
      {VK_OBJECT_TYPE_FENCE, (uint64_t)o->fence},
      {VK_OBJECT_TYPE_SEMAPHORE, (uint64_t)o->semaphore},
      {VK_OBJECT_TYPE_DEVICE_MEMORY, (uint64_t)o->memory[0]},
      {VK_OBJECT_TYPE_DEVICE_MEMORY, (uint64_t)o->memory[1]},
      {VK_OBJECT_TYPE_BUFFER, (uint64_t)o->buffer},
   };
   for (int i = 0; i < TARGET_COUNT; i++) {
      types[i] = t[i].type;
      handles[i] = t[i].handle;
   }
}

static const char *const target_names[TARGET_COUNT] = {
   "device", "queue", "command pool", "command buffer", "fence", "semaphore",
   "pooled memory 0", "pooled memory 1", "buffer",
};

static uint64_t
value_for(uint32_t slot, uint32_t target)
{
   return 0x5100000000000000ull | (uint64_t)(slot + 1) << 16 | (target + 1);
}

static VkResult
create_slot(VkDevice device, const VkAllocationCallbacks *allocator, VkPrivateDataSlot *slot)
{
   const VkPrivateDataSlotCreateInfo info = {.sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO};
   return vkCreatePrivateDataSlot(device, &info, allocator, slot);
}

/* Sets value_for(i + first_value, t) in slots[i] on every target. */
static bool
set_all(const struct objects *o, const VkPrivateDataSlot *slots, uint32_t count,
        uint32_t first_value)
{
   bool ok = false;
   VkObjectType types[TARGET_COUNT];
   uint64_t handles[TARGET_COUNT];
   targets_of(o, types, handles);
   for (uint32_t s = 0; s < count; s++) {
      for (uint32_t t = 0; t < TARGET_COUNT; t++)
         CHECK_VK(vkSetPrivateData(o->device, types[t], handles[t], slots[s],
                                   value_for(s + first_value, t)));
   }
   ok = true;
done:
   return ok;
}

/* Whether every target reads value_for(i + first_value, t) in slots[i] (0: reads 0). */
static bool
check_all(const struct objects *o, const VkPrivateDataSlot *slots, uint32_t count,
          uint32_t first_value, bool zero)
{
   bool ok = true;
   VkObjectType types[TARGET_COUNT];
   uint64_t handles[TARGET_COUNT];
   targets_of(o, types, handles);
   for (uint32_t s = 0; s < count; s++) {
      for (uint32_t t = 0; t < TARGET_COUNT; t++) {
         uint64_t data = 0xdeadbeef;
         vkGetPrivateData(o->device, types[t], handles[t], slots[s], &data);
         uint64_t expected = zero ? 0 : value_for(s + first_value, t);
         if (data != expected) {
            fprintf(stderr, "  %s, slot %u: read 0x%llx, expected 0x%llx\n", target_names[t], s,
                    (unsigned long long)data, (unsigned long long)expected);
            ok = false;
         }
      }
   }
   return ok;
}

/* --- Tests ---------------------------------------------------------------------------------- */

static bool
many_slots_on(VkPhysicalDevice physical)
{
   bool ok = false;
   struct test_allocator counter = {0};
   const VkAllocationCallbacks callbacks = callbacks_of(&counter);
   struct objects o;
   VkPrivateDataSlot slots[SLOT_COUNT] = {0};
   CHECK_VK(objects_open(physical, NULL, &callbacks, &o));
   for (uint32_t s = 0; s < SLOT_COUNT; s++)
      CHECK_VK(create_slot(o.device, NULL, &slots[s]));
   CHECK(set_all(&o, slots, SLOT_COUNT, 0));
   CHECK(check_all(&o, slots, SLOT_COUNT, 0, false));
   /* Overwriting a value keeps the others. */
   CHECK_VK(vkSetPrivateData(o.device, VK_OBJECT_TYPE_FENCE, (uint64_t)o.fence, slots[3], 77));
   uint64_t data = 0;
   vkGetPrivateData(o.device, VK_OBJECT_TYPE_FENCE, (uint64_t)o.fence, slots[3], &data);
   CHECK(data == 77);
   vkGetPrivateData(o.device, VK_OBJECT_TYPE_FENCE, (uint64_t)o.fence, slots[4], &data);
   CHECK(data == value_for(4, 4));
   ok = true;
done:
   for (uint32_t s = 0; s < SLOT_COUNT; s++) {
      if (slots[s])
         vkDestroyPrivateDataSlot(o.device, slots[s], NULL);
   }
   objects_close(&o);
   printf("  %ld allocations through the device's callbacks, %ld live at the end\n",
          counter.allocations, counter.live);
   if (counter.live != 0)
      ok = false;
   test_allocator_finish(&counter);
   return ok;
}

static bool
recreated_slot_on(VkPhysicalDevice physical)
{
   bool ok = false;
   struct test_allocator recycler = {0};
   const VkAllocationCallbacks callbacks = callbacks_of(&recycler);
   struct objects o;
   VkPrivateDataSlot kept[2] = {0}, slot = VK_NULL_HANDLE;
   CHECK_VK(objects_open(physical, NULL, NULL, &o));
   CHECK_VK(create_slot(o.device, NULL, &kept[0]));
   CHECK_VK(create_slot(o.device, &callbacks, &slot));
   CHECK_VK(create_slot(o.device, NULL, &kept[1]));
   CHECK(set_all(&o, kept, 2, 0));
   CHECK(set_all(&o, &slot, 1, 5));
   CHECK(check_all(&o, &slot, 1, 5, false));
   const VkPrivateDataSlot old = slot;
   vkDestroyPrivateDataSlot(o.device, slot, &callbacks);
   slot = VK_NULL_HANDLE;
   CHECK_VK(create_slot(o.device, &callbacks, &slot));
   printf("  the new slot has %s handle value\n", slot == old ? "the old slot's" : "another");
   CHECK(slot == old); /* what this test is about: the recycling callbacks give it */
   CHECK(check_all(&o, &slot, 1, 0, true));
   CHECK(check_all(&o, kept, 2, 0, false));
   CHECK(set_all(&o, &slot, 1, 7));
   CHECK(check_all(&o, &slot, 1, 7, false));
   ok = true;
done:
   if (slot)
      vkDestroyPrivateDataSlot(o.device, slot, &callbacks);
   for (int i = 0; i < 2; i++) {
      if (kept[i])
         vkDestroyPrivateDataSlot(o.device, kept[i], NULL);
   }
   objects_close(&o);
   if (recycler.live != 0)
      ok = false;
   test_allocator_finish(&recycler);
   return ok;
}

static bool
reservations_on(VkPhysicalDevice physical)
{
   bool ok = false;
   const VkDevicePrivateDataCreateInfo second = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_PRIVATE_DATA_CREATE_INFO,
      .privateDataSlotRequestCount = 3,
   };
   const VkDevicePrivateDataCreateInfo first = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_PRIVATE_DATA_CREATE_INFO,
      .pNext = &second,
      .privateDataSlotRequestCount = 2,
   };
   struct objects o;
   VkPrivateDataSlot slots[SLOT_COUNT] = {0};
   CHECK_VK(objects_open(physical, &first, NULL, &o));
   for (uint32_t s = 0; s < SLOT_COUNT; s++)
      CHECK_VK(create_slot(o.device, NULL, &slots[s]));
   CHECK(set_all(&o, slots, SLOT_COUNT, 0));
   CHECK(check_all(&o, slots, SLOT_COUNT, 0, false));
   ok = true;
done:
   for (uint32_t s = 0; s < SLOT_COUNT; s++) {
      if (slots[s])
         vkDestroyPrivateDataSlot(o.device, slots[s], NULL);
   }
   objects_close(&o);
   return ok;
}

/* Runs fn on the vendor's device, then on Kronos's. */
static bool
on_both(bool (*fn)(VkPhysicalDevice physical))
{
   bool ok = true;
   for (int side = 0; side < 2; side++) {
      bool side_ok = fn(sides[side]);
      printf("  %s: %s\n", side_names[side], side_ok ? "ok" : "FAIL");
      ok = ok && side_ok;
   }
   return ok;
}

static bool
many_slots(void)
{
   return on_both(many_slots_on);
}

static bool
recreated_slot(void)
{
   return on_both(recreated_slot_on);
}

static bool
reservations(void)
{
   return on_both(reservations_on);
}

static bool
out_of_host_memory(void)
{
   bool ok = false;
   struct test_allocator failing = {0};
   const VkAllocationCallbacks callbacks = callbacks_of(&failing);
   struct objects o;
   VkPrivateDataSlot slot = VK_NULL_HANDLE, refused = VK_NULL_HANDLE;
   CHECK_VK(objects_open(sides[1], NULL, &callbacks, &o));
   CHECK_VK(create_slot(o.device, NULL, &slot));
   const struct {
      VkObjectType type;
      uint64_t handle;
   } kronos_objects[] = {
      {VK_OBJECT_TYPE_FENCE, (uint64_t)o.fence},
      {VK_OBJECT_TYPE_SEMAPHORE, (uint64_t)o.semaphore},
      {VK_OBJECT_TYPE_DEVICE_MEMORY, (uint64_t)o.memory[0]},
      {VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)o.device},
   };
   failing.fail = true;
   CHECK_RESULT(create_slot(o.device, NULL, &refused), VK_ERROR_OUT_OF_HOST_MEMORY);
   for (size_t i = 0; i < sizeof(kronos_objects) / sizeof(kronos_objects[0]); i++)
      CHECK_RESULT(vkSetPrivateData(o.device, kronos_objects[i].type, kronos_objects[i].handle,
                                    slot, 1000 + i),
                   VK_ERROR_OUT_OF_HOST_MEMORY);
   failing.fail = false;
   for (size_t i = 0; i < sizeof(kronos_objects) / sizeof(kronos_objects[0]); i++) {
      uint64_t data = 0xdeadbeef;
      vkGetPrivateData(o.device, kronos_objects[i].type, kronos_objects[i].handle, slot, &data);
      CHECK(data == 0);
      CHECK_VK(vkSetPrivateData(o.device, kronos_objects[i].type, kronos_objects[i].handle, slot,
                                1000 + i));
      vkGetPrivateData(o.device, kronos_objects[i].type, kronos_objects[i].handle, slot, &data);
      CHECK(data == 1000 + i);
   }
   ok = true;
done:
   failing.fail = false;
   if (slot)
      vkDestroyPrivateDataSlot(o.device, slot, NULL);
   objects_close(&o);
   if (failing.live != 0)
      ok = false;
   test_allocator_finish(&failing);
   return ok;
}

/* The vendor's device and Kronos's over it (the same deviceUUID). */
static bool
find_devices(void)
{
   bool ok = false;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_device_pair(instance, &sides[1], &sides[0]));
   CHECK(sides[0] != VK_NULL_HANDLE);
   ok = true;
done:
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's", find_devices, true},
      {"many_slots", many_slots, false},
      {"recreated_slot", recreated_slot, false},
      {"out_of_host_memory", out_of_host_memory, false},
      {"reservations", reservations, false},
   };
   int status = IT_RUN_TESTS(tests);
   if (instance)
      vkDestroyInstance(instance, NULL);
   return status;
}
