/* SPDX-License-Identifier: MIT */
/* Host allocations through the application's VkAllocationCallbacks: what Kronos (and the vendor
 * behind it) allocates with the callbacks given to vkCreateDevice and vkCreateCommandPool is
 * freed with them, every allocation honours its alignment, and nothing is left at the end. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

/* Atomic: the vendor may call the callbacks from threads of its own (lavapipe frees from its
 * queue thread), concurrently with the application's calls. */
struct counter {
   const char *name;
   _Atomic unsigned long allocations;
   _Atomic unsigned long frees;
   _Atomic unsigned long reallocations;
   _Atomic unsigned long misaligned;
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

/* A Kronos device created with callbacks that count into counter. */
struct counted_device {
   struct it_env env;
   struct counter counter;
   VkAllocationCallbacks callbacks;
};

static VkResult
counted_device_open(struct counted_device *d, const char *name)
{
   memset(d, 0, sizeof(*d));
   d->counter.name = name;
   d->callbacks = callbacks_for(&d->counter);
   return it_env_open(&d->env, &d->callbacks);
}

/* Destroys the device; whether what was allocated with its callbacks was all freed. */
static bool
counted_device_destroy_balanced(struct counted_device *d)
{
   vkDestroyDevice(d->env.device, &d->callbacks);
   d->env.device = VK_NULL_HANDLE;
   return balanced(&d->counter);
}

static bool
device_and_pool_callbacks(void)
{
   bool ok = false;
   struct counted_device d;
   VkCommandPool pool = VK_NULL_HANDLE;
   struct counter pool_counter = {.name = "command pool"};
   const VkAllocationCallbacks pool_callbacks = callbacks_for(&pool_counter);

   CHECK_VK(counted_device_open(&d, "device"));
   CHECK(d.counter.allocations > 0);

   unsigned long device_allocations = d.counter.allocations;
   CHECK_VK(it_create_command_pool(d.env.device, d.env.family, 0, &pool_callbacks, &pool));
   CHECK(pool_counter.allocations > 0);
   VkCommandBuffer buffers[4];
   CHECK_VK(it_allocate_command_buffers(d.env.device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 4,
                                        buffers));
   /* The pool and its command buffers allocate with the pool's callbacks only. */
   CHECK(d.counter.allocations == device_allocations);
   vkFreeCommandBuffers(d.env.device, pool, 1, &buffers[0]);

   /* A submission on the way. */
   CHECK_VK(it_record_empty(buffers[1], 0));
   CHECK_VK(it_submit(d.env.queue, 1, &buffers[1], VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(d.env.queue));

   vkDestroyCommandPool(d.env.device, pool, &pool_callbacks);
   pool = VK_NULL_HANDLE;
   CHECK(balanced(&pool_counter));
   CHECK(counted_device_destroy_balanced(&d));
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(d.env.device, pool, &pool_callbacks);
   it_env_close(&d.env, &d.callbacks);
   return ok;
}

static bool
pool_inherits_device_callbacks(void)
{
   bool ok = false;
   struct counted_device d;
   VkCommandPool pool = VK_NULL_HANDLE;
   CHECK_VK(counted_device_open(&d, "device with its pools"));
   unsigned long before = d.counter.allocations;

   /* A pool created without callbacks allocates with the device's. */
   CHECK_VK(it_create_command_pool(d.env.device, d.env.family, 0, NULL, &pool));
   CHECK(d.counter.allocations > before);
   VkCommandBuffer buffers[2];
   CHECK_VK(it_allocate_command_buffers(d.env.device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 2,
                                        buffers));
   vkDestroyCommandPool(d.env.device, pool, NULL);
   pool = VK_NULL_HANDLE;
   CHECK(counted_device_destroy_balanced(&d));
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(d.env.device, pool, NULL);
   it_env_close(&d.env, &d.callbacks);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"device and command pool callbacks balanced", device_and_pool_callbacks, false},
      {"a pool without callbacks uses the device's", pool_inherits_device_callbacks, false},
   };
   return IT_RUN_TESTS(tests);
}
