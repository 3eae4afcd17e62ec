/* SPDX-License-Identifier: MIT */
/* Descriptor set updates: forwarded for now (persistent descriptors will make them
 * Kronos-side records); both sides are counted. */
#include "kr_entrypoints.h"
#include "kr_objects.h"

VKAPI_ATTR void VKAPI_CALL
kr_UpdateDescriptorSets(VkDevice _device, uint32_t descriptorWriteCount,
                        const VkWriteDescriptorSet *pDescriptorWrites,
                        uint32_t descriptorCopyCount, const VkCopyDescriptorSet *pDescriptorCopies)
{
   struct kr_device *device = kr_device_from_handle(_device);
   uint64_t writes = (uint64_t)descriptorWriteCount + descriptorCopyCount;
   kr_stats_add(&device->stats, KR_STAT_APP_DESCRIPTOR_WRITES, writes);
   kr_stats_add(&device->stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES, writes);
   device->disp.UpdateDescriptorSets(device->handle, descriptorWriteCount, pDescriptorWrites,
                                     descriptorCopyCount, pDescriptorCopies);
}

VKAPI_ATTR void VKAPI_CALL
kr_UpdateDescriptorSetWithTemplate(VkDevice _device, VkDescriptorSet descriptorSet,
                                   VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                   const void *pData)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_stats_add(&device->stats, KR_STAT_APP_DESCRIPTOR_WRITES, 1);
   kr_stats_add(&device->stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES, 1);
   device->disp.UpdateDescriptorSetWithTemplate(device->handle, descriptorSet,
                                                descriptorUpdateTemplate, pData);
}
