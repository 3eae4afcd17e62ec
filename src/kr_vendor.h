/* SPDX-License-Identifier: MIT */
/* The vendor drivers Kronos forwards to: found, dlopen'ed and negotiated with as the Khronos
 * loader would. */
#ifndef KR_VENDOR_H
#define KR_VENDOR_H

#include <limits.h>
#include <stdbool.h>
#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

#define KR_MAX_VENDORS 16

struct kr_vendor {
   char manifest_path[PATH_MAX]; /* empty when given as a library */
   char library_path[PATH_MAX];
   void *library;
   uint32_t interface_version;   /* negotiated loader-ICD interface version */
   PFN_vkGetInstanceProcAddr gipa;
   PFN_vk_icdGetPhysicalDeviceProcAddr gpdpa; /* NULL before interface version 4 */
};

struct kr_vendor_list {
   uint32_t count;
   struct kr_vendor *vendors;
};

/* Finds and loads the vendor drivers: KRONOS_VENDOR_ICD if set (every entry must load), else
 * every driver manifest in the standard folders except Kronos's own. Errors are logged at error
 * level, or at debug level when quiet (for the loader's pre-instance queries).
 * Returns VK_ERROR_INCOMPATIBLE_DRIVER when no vendor driver can be used. */
VkResult kr_vendors_load(const VkAllocationCallbacks *alloc, bool quiet,
                         struct kr_vendor_list *list);

void kr_vendors_unload(const VkAllocationCallbacks *alloc, struct kr_vendor_list *list);

/* A name to show for the vendor in messages: its manifest, else its library. */
static inline const char *
kr_vendor_name(const struct kr_vendor *vendor)
{
   return vendor->manifest_path[0] ? vendor->manifest_path : vendor->library_path;
}

#endif
