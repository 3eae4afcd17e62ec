/* SPDX-License-Identifier: MIT */
/* Kronos plays the loader for the layers of KRONOS_VENDOR_LAYERS (kr_vendor_layers.h): it builds
 * their instance and device chains (VkLayerInstanceCreateInfo and VkLayerDeviceCreateInfo link
 * lists ending at the vendor driver), and writes a dispatch word into the first word of every
 * vendor dispatchable object, as the loader writes its dispatch-table pointer: layers key their
 * per-object state by that word.
 *
 * The words: a vendor instance and its physical devices share the address of their
 * struct kr_layer_terminal; a vendor device, its queues and its command buffers share the
 * address of the Kronos device's dispatch table. Without layers nothing here is used and the
 * vendor's objects keep the driver's ICD_LOADER_MAGIC. */
#ifndef KR_LAYER_CHAIN_H
#define KR_LAYER_CHAIN_H

#include <stdint.h>
#include <vulkan/vk_icd.h>
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include "kr_vendor.h"
#include "kr_vendor_layers.h"

/* The bottom of one vendor instance's chain: the vendor functions that Kronos's terminators
 * (the loader's terminator_* equivalents) call. Its address is the dispatch word of the vendor
 * instance and of its physical devices. */
struct kr_layer_terminal {
   uint64_t magic;
   const struct kr_vendor *vendor;
   PFN_vkEnumeratePhysicalDevices EnumeratePhysicalDevices;
   PFN_vkEnumeratePhysicalDeviceGroups EnumeratePhysicalDeviceGroups;
   PFN_vkCreateDevice CreateDevice;
   PFN_vkGetDeviceProcAddr GetDeviceProcAddr; /* where device chains end */
};

/* The top of an instance chain: Kronos's instance dispatch comes from these. */
struct kr_layer_chain_top {
   PFN_vkGetInstanceProcAddr gipa;
   PFN_GetPhysicalDeviceProcAddr gpdpa;
};

/* Creates the vendor's instance under the layers (loader_create_instance_chain): info is the
 * create info meant for the vendor (not changed), terminal is the vendor instance's, filled
 * here. On success *instance is the vendor's instance with its dispatch word set, and *top says
 * where to load the instance dispatch from. */
VkResult kr_layer_chain_create_instance(const struct kr_vendor_layer_list *layers,
                                        const struct kr_vendor *vendor,
                                        const VkInstanceCreateInfo *info,
                                        const VkAllocationCallbacks *alloc,
                                        struct kr_layer_terminal *terminal, VkInstance *instance,
                                        struct kr_layer_chain_top *top);

/* Creates a vendor device under the layers (loader_create_device_chain) on a physical device of
 * that vendor instance (whose terminal it is); info is the create info meant for the vendor
 * (not changed). On success *device is the vendor's device with `dispatch` as its dispatch word,
 * and *gdpa is where to load the device dispatch from. */
VkResult kr_layer_chain_create_device(const struct kr_vendor_layer_list *layers,
                                      VkInstance instance,
                                      const struct kr_layer_terminal *terminal,
                                      VkPhysicalDevice physical_device,
                                      const VkDeviceCreateInfo *info,
                                      const VkAllocationCallbacks *alloc, const void *dispatch,
                                      VkDevice *device, PFN_vkGetDeviceProcAddr *gdpa);

/* Writes the dispatch word of a vendor dispatchable object (the loader's loader_set_dispatch):
 * for the queues and command buffers Kronos gets from a layered device, after the chain returns
 * them, as the loader's trampolines do. */
static inline void
kr_layer_set_dispatch(void *object, const void *dispatch)
{
   ((VK_LOADER_DATA *)object)->loaderData = (void *)dispatch;
}

#endif
