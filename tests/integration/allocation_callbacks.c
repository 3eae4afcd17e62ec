/* SPDX-License-Identifier: MIT */
/* Host allocations through the application's VkAllocationCallbacks: what Kronos (and the vendor
 * behind it) allocates with the callbacks given to vkCreateDevice and vkCreateCommandPool is
 * freed with them, every allocation honours its alignment, and nothing is left at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

struct counter {
   const char *name;
   unsigned long allocations;
   unsigned long frees;
   unsigned long reallocations;
   unsigned long misaligned;
};

/* Each allocation records its size and the malloc block just before the returned pointer. */
struct header {
   void *block;
   size_t size;
};

static void *
tracked_alloc(struct counter *c, size_t size, size_t alignment)
{
   if (alignment < sizeof(struct header))
      alignment = sizeof(struct header);
   if (alignment & (alignment - 1)) {
      c->misaligned++; /* not a power of two: invalid request */
      return NULL;
   }
   uint8_t *block = malloc(size + alignment + sizeof(struct header));
   if (!block)
      return NULL;
   uintptr_t start = (uintptr_t)(block + sizeof(struct header));
   uint8_t *ptr = (uint8_t *)((start + alignment - 1) & ~(uintptr_t)(alignment - 1));
   struct header h = {block, size};
   memcpy(ptr - sizeof(h), &h, sizeof(h));
   c->allocations++;
   return ptr;
}

static struct header
header_of(void *ptr)
{
   struct header h;
   memcpy(&h, (uint8_t *)ptr - sizeof(h), sizeof(h));
   return h;
}

static void *VKAPI_PTR
on_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   return tracked_alloc(user, size, alignment);
}

static void VKAPI_PTR
on_free(void *user, void *memory)
{
   struct counter *c = user;
   if (!memory)
      return;
   c->frees++;
   free(header_of(memory).block);
}

static void *VKAPI_PTR
on_realloc(void *user, void *original, size_t size, size_t alignment,
           VkSystemAllocationScope scope)
{
   struct counter *c = user;
   if (!original)
      return on_alloc(user, size, alignment, scope);
   if (size == 0) {
      on_free(user, original);
      return NULL;
   }
   void *copy = tracked_alloc(c, size, alignment);
   if (!copy)
      return NULL;
   size_t old = header_of(original).size;
   memcpy(copy, original, old < size ? old : size);
   free(header_of(original).block);
   /* A reallocation is neither a new allocation nor a free. */
   c->allocations--;
   c->reallocations++;
   return copy;
}

static VkAllocationCallbacks
callbacks_for(struct counter *c)
{
   return (VkAllocationCallbacks){
      .pUserData = c,
      .pfnAllocation = on_alloc,
      .pfnReallocation = on_realloc,
      .pfnFree = on_free,
   };
}

static bool
balanced(const struct counter *c)
{
   printf("  %s: %lu allocations, %lu frees, %lu reallocations\n", c->name, c->allocations,
          c->frees, c->reallocations);
   return c->allocations > 0 && c->allocations == c->frees && c->misaligned == 0;
}

static bool
device_and_pool_callbacks(void)
{
   bool ok = false;
   VkInstance instance = VK_NULL_HANDLE;
   VkDevice device = VK_NULL_HANDLE;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkPhysicalDevice physical;
   struct counter device_counter = {.name = "device"};
   struct counter pool_counter = {.name = "command pool"};
   const VkAllocationCallbacks device_callbacks = callbacks_for(&device_counter);
   const VkAllocationCallbacks pool_callbacks = callbacks_for(&pool_counter);

   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_kronos_device(instance, &physical));
   uint32_t family = it_compute_family(physical);
   CHECK(family != UINT32_MAX);
   CHECK_VK(it_create_device(physical, family, NULL, NULL, 0, &device_callbacks, &device));
   CHECK(device_counter.allocations > 0);

   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = family,
   };
   unsigned long device_allocations = device_counter.allocations;
   CHECK_VK(vkCreateCommandPool(device, &pool_info, &pool_callbacks, &pool));
   CHECK(pool_counter.allocations > 0);
   const VkCommandBufferAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 4,
   };
   VkCommandBuffer buffers[4];
   CHECK_VK(vkAllocateCommandBuffers(device, &alloc, buffers));
   /* The pool and its command buffers allocate with the pool's callbacks only. */
   CHECK(device_counter.allocations == device_allocations);
   vkFreeCommandBuffers(device, pool, 1, &buffers[0]);

   /* A submission on the way. */
   VkQueue queue;
   vkGetDeviceQueue(device, family, 0, &queue);
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(buffers[1], &begin));
   CHECK_VK(vkEndCommandBuffer(buffers[1]));
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &buffers[1],
   };
   CHECK_VK(vkQueueSubmit(queue, 1, &submit, VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(queue));

   vkDestroyCommandPool(device, pool, &pool_callbacks);
   pool = VK_NULL_HANDLE;
   CHECK(balanced(&pool_counter));
   vkDestroyDevice(device, &device_callbacks);
   device = VK_NULL_HANDLE;
   CHECK(balanced(&device_counter));
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(device, pool, &pool_callbacks);
   if (device)
      vkDestroyDevice(device, &device_callbacks);
   vkDestroyInstance(instance, NULL);
   return ok;
}

static bool
pool_inherits_device_callbacks(void)
{
   bool ok = false;
   VkInstance instance = VK_NULL_HANDLE;
   VkDevice device = VK_NULL_HANDLE;
   VkPhysicalDevice physical;
   struct counter device_counter = {.name = "device with its pools"};
   const VkAllocationCallbacks device_callbacks = callbacks_for(&device_counter);

   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_kronos_device(instance, &physical));
   uint32_t family = it_compute_family(physical);
   CHECK(family != UINT32_MAX);
   CHECK_VK(it_create_device(physical, family, NULL, NULL, 0, &device_callbacks, &device));
   unsigned long before = device_counter.allocations;

   /* A pool created without callbacks allocates with the device's. */
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = family,
   };
   VkCommandPool pool;
   CHECK_VK(vkCreateCommandPool(device, &pool_info, NULL, &pool));
   CHECK(device_counter.allocations > before);
   const VkCommandBufferAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 2,
   };
   VkCommandBuffer buffers[2];
   CHECK_VK(vkAllocateCommandBuffers(device, &alloc, buffers));
   vkDestroyCommandPool(device, pool, NULL);
   vkDestroyDevice(device, &device_callbacks);
   device = VK_NULL_HANDLE;
   CHECK(balanced(&device_counter));
   ok = true;
done:
   if (device)
      vkDestroyDevice(device, &device_callbacks);
   vkDestroyInstance(instance, NULL);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"device and command pool callbacks balanced", device_and_pool_callbacks, false},
      {"a pool without callbacks uses the device's", pool_inherits_device_callbacks, false},
   };
   return it_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
