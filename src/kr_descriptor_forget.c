/* SPDX-License-Identifier: MIT */
/* Destroying an object that descriptors name (buffer, buffer view, image view, sampler) unlinks
 * the cached vendor sets that name it, before the vendor can hand its handle value to a new
 * object: a later set naming the new object must never find a vendor set written for the old. */
#include "kr_descriptor.h"
#include "kr_entrypoints.h"

static void
forget(struct kr_device *device, uint64_t handle)
{
   if (device->descriptors_modeled)
      kr_descriptor_cache_forget_object(&device->descriptor_cache, handle);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyBuffer(VkDevice _device, VkBuffer buffer, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   forget(device, (uint64_t)buffer);
   kr_barrier_buffer_destroyed(device, buffer);
   device->disp.DestroyBuffer(device->handle, buffer, pAllocator);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyBufferView(VkDevice _device, VkBufferView bufferView,
                     const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   forget(device, (uint64_t)bufferView);
   device->disp.DestroyBufferView(device->handle, bufferView, pAllocator);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyImageView(VkDevice _device, VkImageView imageView,
                    const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   forget(device, (uint64_t)imageView);
   device->disp.DestroyImageView(device->handle, imageView, pAllocator);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroySampler(VkDevice _device, VkSampler sampler, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   forget(device, (uint64_t)sampler);
   device->disp.DestroySampler(device->handle, sampler, pAllocator);
}
