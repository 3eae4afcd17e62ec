/* SPDX-License-Identifier: MIT */
/* Private data (vkSetPrivateData) of Kronos objects with no vendor object of their own: pooled
 * memory (the vendor's would be the shared block's), point fences and semaphores. */
#ifndef KR_PRIVATE_DATA_H
#define KR_PRIVATE_DATA_H

#include <stdint.h>
#include <vulkan/vulkan.h>

#define KR_PRIVATE_DATA_SLOTS 4

struct kr_private_data {
   VkPrivateDataSlot slot;
   uint64_t data;
};

#endif
