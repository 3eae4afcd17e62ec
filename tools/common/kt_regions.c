/* SPDX-License-Identifier: MIT */
#include "kt_regions.h"

#include "kt_buffer.h"
#include "kt_check.h"
#include "kt_saxpy.h"

static int32_t
pick_device_local(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits)
{
   return kt_memory_type_find(memory, type_bits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
}

void
kt_regions_infos(const struct kt_regions *r, uint32_t region, VkDescriptorBufferInfo infos[2])
{
   infos[0] = (VkDescriptorBufferInfo){.buffer = r->x, .range = VK_WHOLE_SIZE};
   infos[1] = (VkDescriptorBufferInfo){.buffer = r->y,
                                       .offset = (VkDeviceSize)region * KT_REGION_FLOATS * 4,
                                       .range = KT_REGION_FLOATS * 4};
}

VkResult
kt_regions_allocate_set(const struct kt_device *device, const struct kt_regions *r,
                        VkDescriptorSetLayout layout, VkDescriptorSet *out)
{
   const VkDescriptorSetAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = r->pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &layout,
   };
   VkResult result = device->vk.vkAllocateDescriptorSets(device->handle, &info, out);
   if (!kt_ok(result, "vkAllocateDescriptorSets"))
      *out = VK_NULL_HANDLE;
   return result;
}

static VkResult
create_pool(const struct kt_device *device, uint32_t sets, uint32_t extra_sets,
            VkDescriptorPool *out)
{
   const VkDescriptorPoolSize sizes[2] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * sets + extra_sets},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, extra_sets},
   };
   return kt_descriptor_pool_create_sized(device, sets + extra_sets, sizes, extra_sets ? 2 : 1,
                                          out);
}

VkResult
kt_regions_create(const struct kt_device *device, uint32_t count, uint32_t extra_sets,
                  struct kt_regions *r)
{
   if (count > KT_REGIONS_MAX) {
      kt_error("%u regions, at most %u", count, KT_REGIONS_MAX);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkResult result = kt_saxpy_pipeline_create(device, &r->pipeline);
   if (result == VK_SUCCESS)
      result = kt_buffer_memory_create(device, KT_REGION_FLOATS * 4,
                                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, pick_device_local,
                                       "device-local", "x", &r->x, &r->x_memory, NULL);
   if (result == VK_SUCCESS)
      result = kt_buffer_memory_create(device, (VkDeviceSize)count * KT_REGION_FLOATS * 4,
                                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, pick_device_local,
                                       "device-local", "y", &r->y, &r->y_memory, NULL);
   if (result == VK_SUCCESS)
      result = create_pool(device, 2 * count, extra_sets, &r->pool);
   for (uint32_t d = 0; d < count && result == VK_SUCCESS; d++) {
      VkDescriptorBufferInfo infos[2];
      kt_regions_infos(r, d, infos);
      result = kt_descriptor_set_create(device, r->pool, &r->pipeline, infos, &r->fixed[d]);
      if (result == VK_SUCCESS)
         result = kt_regions_allocate_set(device, r, r->pipeline.set_layout, &r->scratch[d]);
   }
   r->groups = kt_saxpy_group_count(device, KT_REGION_FLOATS);
   return result;
}

void
kt_regions_destroy(const struct kt_device *device, struct kt_regions *r)
{
   if (!device->handle)
      return;
   const struct VolkDeviceTable *vk = &device->vk;
   vk->vkDeviceWaitIdle(device->handle);
   if (r->pool)
      vk->vkDestroyDescriptorPool(device->handle, r->pool, NULL);
   VkBuffer buffers[2] = {r->x, r->y};
   VkDeviceMemory memory[2] = {r->x_memory, r->y_memory};
   for (uint32_t i = 0; i < 2; i++) {
      if (buffers[i])
         vk->vkDestroyBuffer(device->handle, buffers[i], NULL);
      if (memory[i])
         vk->vkFreeMemory(device->handle, memory[i], NULL);
   }
   kt_compute_pipeline_destroy(device, &r->pipeline);
}
