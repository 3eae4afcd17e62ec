/* SPDX-License-Identifier: MIT */
#include "kr_vendor.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_log.h"
#include "kr_manifest.h"
#include "kr_manifest_search.h"
#include "kr_settings.h"

#define KR_LOADER_INTERFACE_VERSION 7

struct load_context {
   enum kr_log_level level; /* for errors: error, or warn in the scan */
   bool quiet;              /* errors at debug level (the loader's pre-instance queries) */
   struct kr_vendor_set *set;
   bool out_of_memory; /* a vendor failed for lack of memory: the load is retried */
   char folders[KR_MAX_MANIFEST_FOLDERS][PATH_MAX];
};

/* Appends a line to set->deferred_warnings; dropped when there is no memory for it. */
static void
defer_warning(struct kr_vendor_set *set, const char *line)
{
   size_t old = set->deferred_warnings ? strlen(set->deferred_warnings) : 0;
   char *grown = realloc(set->deferred_warnings, old + strlen(line) + 2);
   if (!grown)
      return;
   snprintf(grown + old, strlen(line) + 2, "%s\n", line);
   set->deferred_warnings = grown;
}

/* A problem with a vendor driver, at ctx->level; when quiet, at debug level, and a warning of
 * the scan (which leaves the set complete, so vkCreateInstance does not meet it again) is kept
 * for the first call that is not quiet. */
static void __attribute__((format(printf, 2, 3)))
vendor_log(struct load_context *ctx, const char *fmt, ...)
{
   char line[1024];
   va_list args;
   va_start(args, fmt);
   vsnprintf(line, sizeof(line), fmt, args);
   va_end(args);
   if (!ctx->quiet) {
      kr_log(ctx->level, "%s", line);
      return;
   }
   kr_debug("%s", line);
   if (ctx->level == KR_LOG_WARN)
      defer_warning(ctx->set, line);
}

static void
unload_vendor(struct kr_vendor *vendor)
{
   if (vendor->library)
      dlclose(vendor->library);
   vendor->library = NULL;
   free(vendor->instance_extensions);
   vendor->instance_extensions = NULL;
   vendor->instance_extension_count = 0;
}

static bool
out_of_memory(VkResult result)
{
   return result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY;
}

/* The vendor's instance extensions, into vendor. Out of memory, the vendor's or Kronos's, is
 * returned; any other failure counts as no extension. Asked once per load: the loader's
 * pre-instance queries and every vkCreateInstance are answered from what it keeps. */
static VkResult
query_instance_extensions(struct kr_vendor *vendor)
{
   PFN_vkEnumerateInstanceExtensionProperties enumerate =
      (PFN_vkEnumerateInstanceExtensionProperties)vendor->gipa(
         VK_NULL_HANDLE, "vkEnumerateInstanceExtensionProperties");
   VkExtensionProperties *props = NULL;
   uint32_t count = 0;
   VkResult result = enumerate(NULL, &count, NULL);
   if (result != VK_SUCCESS || count == 0)
      goto fail;
   props = calloc(count, sizeof(*props));
   if (!props) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   result = enumerate(NULL, &count, props);
   if (result < 0)
      goto fail;
   vendor->instance_extensions = props;
   vendor->instance_extension_count = count;
   return VK_SUCCESS;
fail:
   free(props);
   return out_of_memory(result) ? result : VK_SUCCESS;
}

/* This thread is in kr_vendors_load; a driver it loads called back into Kronos. */
static _Thread_local bool loading;
static _Thread_local bool called_back;

bool
kr_vendors_called_back(void)
{
   if (loading)
      called_back = true;
   return loading;
}

/* dlopen a driver library, negotiate, and find its proc-addr functions. */
static bool
open_vendor(struct load_context *ctx, struct kr_vendor *vendor)
{
   const char *name = kr_vendor_name(vendor);
   /* RTLD_NODELETE: a vendor driver, once loaded, stays for the life of the process, as the
    * process's own dlopen of it would. Drivers keep process-lifetime state (threads, caches,
    * LLVM) that they are not built to unload and reload with every instance, and their
    * allocations stay attributable to them (LeakSanitizer names the module, so
    * tests/lsan.supp matches lavapipe's). dlclose still drops Kronos's reference. */
   vendor->library = dlopen(vendor->library_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
   if (!vendor->library) {
      vendor_log(ctx, "vendor driver %s: cannot load library: %s", name, dlerror());
      return false;
   }

   PFN_vkGetInstanceProcAddr icd_gipa =
      (PFN_vkGetInstanceProcAddr)dlsym(vendor->library, "vk_icdGetInstanceProcAddr");
   /* A manifest of the standard folders may lead back to Kronos itself (its installed
    * manifest, or a copy): skipped quietly. Named in KRONOS_VENDOR_ICD, it is an error. */
   if (icd_gipa == (PFN_vkGetInstanceProcAddr)(void (*)(void))vk_icdGetInstanceProcAddr) {
      if (ctx->level == KR_LOG_WARN) {
         kr_debug("skipping %s: it is Kronos itself", name);
         goto fail_quiet;
      }
      vendor_log(ctx, "vendor driver %s: %s is Kronos itself, not a vendor driver", name,
                 vendor->library_path);
      goto fail;
   }
   for (uint32_t i = 0; i < ctx->set->count; i++) {
      if (ctx->set->vendors[i].library == vendor->library) {
         kr_debug("skipping %s: same library as %s", name,
                  kr_vendor_name(&ctx->set->vendors[i]));
         goto fail_quiet;
      }
   }

   PFN_vk_icdNegotiateLoaderICDInterfaceVersion negotiate =
      (PFN_vk_icdNegotiateLoaderICDInterfaceVersion)dlsym(vendor->library,
                                                     "vk_icdNegotiateLoaderICDInterfaceVersion");
   vendor->interface_version = icd_gipa ? 1 : 0;
   if (negotiate) {
      uint32_t version = KR_LOADER_INTERFACE_VERSION;
      VkResult result = negotiate(&version);
      if (result != VK_SUCCESS) {
         vendor_log(ctx, "vendor driver %s: interface negotiation failed (%d)", name, result);
         goto fail;
      }
      vendor->interface_version = version < KR_LOADER_INTERFACE_VERSION
                                     ? version : KR_LOADER_INTERFACE_VERSION;
   }
   vendor->gipa = icd_gipa ? icd_gipa
                           : (PFN_vkGetInstanceProcAddr)dlsym(vendor->library,
                                                              "vkGetInstanceProcAddr");
   if (!vendor->gipa) {
      vendor_log(ctx, "vendor driver %s: library %s exports no vk_icdGetInstanceProcAddr",
                 name, vendor->library_path);
      goto fail;
   }
   if (vendor->interface_version >= 4)
      vendor->gpdpa = (PFN_vk_icdGetPhysicalDeviceProcAddr)dlsym(
         vendor->library, "vk_icdGetPhysicalDeviceProcAddr");

   static const char *const required[] = {"vkCreateInstance",
                                          "vkEnumerateInstanceExtensionProperties"};
   for (unsigned i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
      if (!vendor->gipa(VK_NULL_HANDLE, required[i])) {
         vendor_log(ctx, "vendor driver %s: lacks required function %s", name, required[i]);
         goto fail;
      }
   }
   called_back = false;
   VkResult result = query_instance_extensions(vendor);
   if (called_back) {
      vendor_log(ctx, "vendor driver %s: %s called back into Kronos while it loaded (is it the "
                 "Vulkan loader rather than a driver?)", name, vendor->library_path);
      goto fail;
   }
   if (result != VK_SUCCESS) {
      vendor_log(ctx, "vendor driver %s: vkEnumerateInstanceExtensionProperties failed (%d)",
                 name, result);
      ctx->out_of_memory = true;
      goto fail;
   }
   return true;

fail_quiet:
fail:
   unload_vendor(vendor);
   return false;
}

/* Whether set already holds the driver of this manifest (or, given as a library, this library):
 * loaded by an earlier call, it is not loaded again. */
static bool
already_loaded(const struct kr_vendor_set *set, const char *manifest_path,
               const char *library_path)
{
   for (uint32_t i = 0; i < set->count; i++) {
      const struct kr_vendor *vendor = &set->vendors[i];
      if (manifest_path ? strcmp(vendor->manifest_path, manifest_path) == 0
                        : !vendor->manifest_path[0] &&
                             strcmp(vendor->library_path, library_path) == 0)
         return true;
   }
   return false;
}

static bool
add_vendor(struct load_context *ctx, const char *manifest_path, const char *library_path)
{
   struct kr_vendor_set *set = ctx->set;
   if (already_loaded(set, manifest_path, library_path))
      return true;
   if (set->count == KR_MAX_VENDORS) {
      kr_warn("more than %d vendor drivers: ignoring %s", KR_MAX_VENDORS,
              manifest_path ? manifest_path : library_path);
      return false;
   }
   /* The next free slot: the vendors before it may be in use by instances of other threads,
    * this one is not until count covers it. */
   struct kr_vendor *vendor = &set->vendors[set->count];
   memset(vendor, 0, sizeof(*vendor));
   if (manifest_path) {
      struct kr_manifest manifest;
      char err[256];
      snprintf(vendor->manifest_path, sizeof(vendor->manifest_path), "%s", manifest_path);
      if (!kr_manifest_load(manifest_path, &manifest, err, sizeof(err))) {
         vendor_log(ctx, "vendor driver manifest %s: %s", manifest_path, err);
         return false;
      }
      snprintf(vendor->library_path, sizeof(vendor->library_path), "%s", manifest.library_path);
   } else {
      snprintf(vendor->library_path, sizeof(vendor->library_path), "%s", library_path);
   }
   if (!open_vendor(ctx, vendor))
      return false;
   /* Once per vendor and KRONOS_VENDOR_ICD value (kr_vendor_set.c), so once per process as a
    * rule: the vendor_loads tests count this line. */
   kr_info("vendor driver %s (%s), interface version %u", kr_vendor_name(vendor),
           vendor->library_path, vendor->interface_version);
   set->count++;
   return true;
}

/* KRONOS_VENDOR_ICD: ':'-separated manifests (*.json) or libraries; every one must load. */
static bool
load_from_setting(struct load_context *ctx, const char *setting)
{
   char *copy = strdup(setting);
   if (!copy) {
      ctx->out_of_memory = true;
      return false;
   }
   bool ok = true;
   char *save = NULL;
   for (char *entry = strtok_r(copy, ":", &save); entry; entry = strtok_r(NULL, ":", &save)) {
      bool manifest = kr_is_manifest_path(entry);
      if (!add_vendor(ctx, manifest ? entry : NULL, manifest ? NULL : entry)) {
         ok = false;
         break;
      }
   }
   free(copy);
   return ok;
}

/* kr_manifest_scan_folder's visitor: every manifest found is a candidate vendor. */
static bool
visit_manifest(void *ctx, const char *path)
{
   add_vendor(ctx, path, NULL);
   return true;
}

/* The scan's warnings that a quiet load kept, logged now. */
static void
report_deferred_warnings(struct kr_vendor_set *set)
{
   char *save = NULL;
   for (char *line = set->deferred_warnings ? strtok_r(set->deferred_warnings, "\n", &save)
                                            : NULL;
        line; line = strtok_r(NULL, "\n", &save))
      kr_warn("%s", line);
   free(set->deferred_warnings);
   set->deferred_warnings = NULL;
}

VkResult
kr_vendors_load(const char *selection, bool quiet, struct kr_vendor_set *set)
{
   if (set->complete) {
      if (!quiet)
         report_deferred_warnings(set);
      return VK_SUCCESS;
   }
   /* The system allocator throughout: what is loaded outlives the instance that asked. */
   struct load_context *ctx = calloc(1, sizeof(*ctx));
   if (!ctx)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   ctx->set = set;
   ctx->quiet = quiet;
   ctx->level = KR_LOG_ERROR;
   loading = true;

   bool complete;
   if (*selection) {
      complete = load_from_setting(ctx, selection);
   } else {
      unsigned n = kr_manifest_standard_folders("vulkan/icd.d", ctx->folders,
                                                KR_MAX_MANIFEST_FOLDERS);
      /* Manifests that fail to load are only warnings here: other drivers may serve. */
      ctx->level = KR_LOG_WARN;
      for (unsigned i = 0; i < n; i++)
         kr_manifest_scan_folder(ctx->folders[i], visit_manifest, ctx);
      ctx->level = KR_LOG_ERROR;
      /* A driver that ran out of memory is retried by the next call's scan. */
      complete = set->count > 0 && !ctx->out_of_memory;
      if (set->count == 0 && !ctx->out_of_memory)
         vendor_log(ctx, "no vendor Vulkan driver found in the standard manifest folders; "
                         "set %s to a driver manifest or library",
                    kr_setting_name(KR_SETTING_VENDOR_ICD));
   }
   set->complete = complete;
   if (!complete) {
      /* The next call loads again, and says again what fails. */
      free(set->deferred_warnings);
      set->deferred_warnings = NULL;
   }
   loading = false;
   VkResult result = complete              ? VK_SUCCESS
                     : ctx->out_of_memory ? VK_ERROR_OUT_OF_HOST_MEMORY
                                          : VK_ERROR_INCOMPATIBLE_DRIVER;
   free(ctx);
   return result;
}

void
kr_vendors_unload(struct kr_vendor_set *set)
{
   for (uint32_t i = 0; i < set->count; i++)
      unload_vendor(&set->vendors[i]);
   set->count = 0;
   set->complete = false;
   free(set->deferred_warnings);
   set->deferred_warnings = NULL;
}
