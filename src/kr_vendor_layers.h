/* SPDX-License-Identifier: MIT */
/* Vulkan layers between Kronos and its vendor drivers (KRONOS_VENDOR_LAYERS): found through
 * their explicit layer manifests, dlopen'ed and negotiated with as the Khronos loader does. How
 * they are chained is kr_layer_chain.h's. */
#ifndef KR_VENDOR_LAYERS_H
#define KR_VENDOR_LAYERS_H

#include <limits.h>
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#define KR_MAX_VENDOR_LAYERS 16

struct kr_vendor_layer {
   char name[VK_MAX_EXTENSION_NAME_SIZE];
   char manifest_path[PATH_MAX];
   char library_path[PATH_MAX];
   void *library;
   uint32_t interface_version; /* negotiated loader-layer interface version */
   PFN_vkGetInstanceProcAddr gipa;
   PFN_vkGetDeviceProcAddr gdpa;        /* NULL: an instance-only layer, left out of devices */
   PFN_GetPhysicalDeviceProcAddr gpdpa; /* NULL before interface version 2 */
};

struct kr_vendor_layer_list {
   uint32_t count;
   /* In the order named: layers[0] is called by Kronos, the last one calls the vendor. */
   struct kr_vendor_layer *layers;
};

/* Finds and loads the layers KRONOS_VENDOR_LAYERS names, in the explicit layer manifests the
 * loader would find: the entries of VK_LAYER_PATH (folders or manifests) if it is set, else
 * those of VK_ADD_LAYER_PATH, then the standard folders + vulkan/explicit_layer.d. Unset or
 * empty: no layers (count 0). A layer that cannot be found or loaded is logged (one error line:
 * which and why) and fails with VK_ERROR_LAYER_NOT_PRESENT. */
VkResult kr_vendor_layers_load(const VkAllocationCallbacks *alloc,
                               struct kr_vendor_layer_list *list);

void kr_vendor_layers_unload(const VkAllocationCallbacks *alloc,
                             struct kr_vendor_layer_list *list);

#endif
