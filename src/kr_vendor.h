/* SPDX-License-Identifier: MIT */
/* The vendor drivers Kronos forwards to: found, dlopen'ed and negotiated with as the Khronos
 * loader would. Loading is kr_vendors_load's, for a set that is kept and grown across calls;
 * kr_vendor_set.h keeps one such set per process. */
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
   /* The driver's instance extensions, asked once at load (system allocator: they live as long
    * as the vendor, past any instance). NULL when it has none. */
   VkExtensionProperties *instance_extensions;
   uint32_t instance_extension_count;
};

/* A view of loaded vendors (the process's set, kr_vendor_set.h): not owned. */
struct kr_vendor_list {
   uint32_t count;
   const struct kr_vendor *vendors;
};

/* Vendor drivers loaded so far for one selection; only kr_vendors_load adds to it, and a vendor
 * once added stays where it is (instances point at it) until kr_vendors_unload. */
struct kr_vendor_set {
   uint32_t count;
   bool complete; /* every driver the selection names is loaded (the scan: it found one) */
   /* What a quiet scan skipped, with why: lines logged as warnings by the first call that is
    * not quiet (vkCreateInstance), as they were before loads were kept. */
   char *deferred_warnings;
   struct kr_vendor vendors[KR_MAX_VENDORS];
};

/* Loads what set still lacks of the drivers selection names: ':'-separated manifests or
 * libraries (KRONOS_VENDOR_ICD; every entry must load), or, when selection is empty, every
 * driver manifest in the standard folders except Kronos's own (one must load). Drivers already
 * in set are not loaded again, so a call after a failure retries only what failed. Errors are
 * logged at error level (the scan's skipped manifests at warn level), or at debug level when
 * quiet (for the loader's pre-instance queries); the scan's warnings are then logged by the
 * first call that is not quiet.
 * Memory comes from the system allocator. Not thread-safe: the caller serialises.
 * Returns VK_ERROR_INCOMPATIBLE_DRIVER when set is not complete, VK_ERROR_OUT_OF_HOST_MEMORY when
 * memory ran out (the vendor's included, in its extension query). */
VkResult kr_vendors_load(const char *selection, bool quiet, struct kr_vendor_set *set);

/* Drops Kronos's reference to every driver of set (dlclose) and frees what loading kept. */
void kr_vendors_unload(struct kr_vendor_set *set);

/* Whether this thread is inside kr_vendors_load: a driver being loaded has called back into
 * Kronos (the Khronos loader named as a vendor calls every driver it knows, Kronos among them).
 * The caller must then fail at once instead of waiting for the load it is part of; true also
 * marks the call back, and the load fails the driver that made it. */
bool kr_vendors_called_back(void);

/* A name to show for the vendor in messages: its manifest, else its library. */
static inline const char *
kr_vendor_name(const struct kr_vendor *vendor)
{
   return vendor->manifest_path[0] ? vendor->manifest_path : vendor->library_path;
}

#endif
