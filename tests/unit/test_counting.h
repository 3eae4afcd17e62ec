/* SPDX-License-Identifier: MIT */
/* Counting allocation callbacks for the unit tests that check allocation failure and leaks
 * (test_batch.c, test_barrier_policy.c): live and total blocks, and a count of allocations to
 * grant before every later one is refused. Include after <cmocka.h> (a reallocation, which no
 * caller expects, fails the test). */
#ifndef TEST_COUNTING_H
#define TEST_COUNTING_H

#include <stdlib.h>
#include <vulkan/vulkan.h>

struct test_counting {
   long live, total;
   long fail_after; /* allocations granted before the refusals; < 0: never refuse */
};

static inline void *VKAPI_PTR
test_counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)scope;
   struct test_counting *c = user;
   if (c->fail_after == 0)
      return NULL;
   if (c->fail_after > 0)
      c->fail_after--;
   c->live++;
   c->total++;
   return aligned_alloc(align < 8 ? 8 : align, (size + 7) & ~(size_t)7);
}

static inline void *VKAPI_PTR
test_counting_realloc(void *user, void *ptr, size_t size, size_t align,
                      VkSystemAllocationScope scope)
{
   (void)user, (void)ptr, (void)size, (void)align, (void)scope;
   fail_msg("realloc not expected");
   return NULL;
}

static inline void VKAPI_PTR
test_counting_free(void *user, void *ptr)
{
   struct test_counting *c = user;
   if (ptr)
      c->live--;
   free(ptr);
}

/* Resets *c (nothing counted, nothing refused) and returns callbacks counting into it. */
static inline VkAllocationCallbacks
test_counting_callbacks(struct test_counting *c)
{
   *c = (struct test_counting){.fail_after = -1};
   return (VkAllocationCallbacks){
      .pUserData = c,
      .pfnAllocation = test_counting_alloc,
      .pfnReallocation = test_counting_realloc,
      .pfnFree = test_counting_free,
   };
}

#endif
