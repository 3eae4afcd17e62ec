/* SPDX-License-Identifier: MIT */
/* Real vendor fences and semaphores (exportable ones, with batching on; all of them with it
 * off) are destroyed with the allocation callbacks they were created with, which Kronos keeps:
 * the application may pass an equal set at destruction and reuse the structure it created
 * them with (the Vulkan spec asks only for compatible callbacks). */
#include <stdio.h>
#include <stdlib.h>

#include "it_common.h"

static unsigned frees_kept, frees_stale;

static VKAPI_ATTR void *VKAPI_CALL
allocate(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (alignment < 16)
      alignment = 16;
   return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

static VKAPI_ATTR void *VKAPI_CALL
reallocate(void *user, void *old, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)alignment;
   (void)scope;
   return realloc(old, size);
}

static VKAPI_ATTR void VKAPI_CALL
free_kept(void *user, void *memory)
{
   (void)user;
   frees_kept += memory != NULL;
   free(memory);
}

static VKAPI_ATTR void VKAPI_CALL
free_stale(void *user, void *memory)
{
   (void)user;
   frees_stale += memory != NULL;
   free(memory);
}

int
main(void)
{
   int status = 1;
   struct it_env env = {0};
   VkAllocationCallbacks *created = malloc(sizeof(*created));
   VkFence fence = VK_NULL_HANDLE;
   VkSemaphore semaphore = VK_NULL_HANDLE;
   CHECK(created != NULL);
   *created = (VkAllocationCallbacks){
      .pfnAllocation = allocate, .pfnReallocation = reallocate, .pfnFree = free_kept};
   const VkAllocationCallbacks equal = *created;
   CHECK_VK(volkInitialize());
   CHECK_VK(it_env_open(&env, NULL));

   const VkExportFenceCreateInfo export_fence = {
      .sType = VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO};
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
                                         .pNext = &export_fence};
   CHECK_VK(vkCreateFence(env.device, &fence_info, created, &fence));
   const VkExportSemaphoreCreateInfo export_semaphore = {
      .sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO};
   const VkSemaphoreCreateInfo semaphore_info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                                 .pNext = &export_semaphore};
   CHECK_VK(vkCreateSemaphore(env.device, &semaphore_info, created, &semaphore));

   /* The application's structure now holds something else. */
   created->pfnFree = free_stale;
   vkDestroyFence(env.device, fence, &equal);
   fence = VK_NULL_HANDLE;
   vkDestroySemaphore(env.device, semaphore, &equal);
   semaphore = VK_NULL_HANDLE;
   printf("frees through the callbacks given at creation: %u; through the reused structure: %u\n",
          frees_kept, frees_stale);
   CHECK(frees_stale == 0);
   CHECK(frees_kept > 0);
   status = 0;
done:
   if (fence)
      vkDestroyFence(env.device, fence, &equal);
   if (semaphore)
      vkDestroySemaphore(env.device, semaphore, &equal);
   if (env.device)
      it_env_close(&env, NULL);
   free(created);
   return status;
}
