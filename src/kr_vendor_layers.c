/* SPDX-License-Identifier: MIT */
#include "kr_vendor_layers.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kr_alloc.h"
#include "kr_layer_names.h"
#include "kr_log.h"
#include "kr_manifest.h"
#include "kr_manifest_search.h"
#include "kr_settings.h"

#define MAX_SEARCH_ENTRIES 64

/* The layers named, and what the manifest search found for each. */
struct layer_search {
   uint32_t count;
   char names[KR_MAX_VENDOR_LAYERS][VK_MAX_EXTENSION_NAME_SIZE];
   bool found[KR_MAX_VENDOR_LAYERS];
   struct kr_layer_manifest manifests[KR_MAX_VENDOR_LAYERS];
   char manifest_paths[KR_MAX_VENDOR_LAYERS][PATH_MAX];
   const char *current; /* the manifest being read */
   uint32_t missing;    /* how many named layers are not found yet */
   struct kr_vendor_layer layers[KR_MAX_VENDOR_LAYERS];
   char folders[KR_MAX_MANIFEST_FOLDERS][PATH_MAX];
};

/* Reads the setting's layer names into search. False (logged) when there are too many or one
 * is too long. */
static bool
parse_names(struct layer_search *search, const char *setting)
{
   /* kr_log's line: a name too long is cut where it was when kr_error quoted it. */
   char err[1024];
   if (!kr_parse_layer_names(setting, search->names, KR_MAX_VENDOR_LAYERS, &search->count, err,
                             sizeof(err))) {
      kr_error("%s: %s", kr_setting_name(KR_SETTING_VENDOR_LAYERS), err);
      return false;
   }
   search->missing = search->count;
   return true;
}

/* kr_layer_manifest_parse's callback: the first manifest that declares a named layer wins. */
static void
declare_layer(void *ctx, const struct kr_layer_manifest *layer)
{
   struct layer_search *search = ctx;
   for (uint32_t i = 0; i < search->count; i++) {
      if (!search->found[i] && strcmp(search->names[i], layer->name) == 0) {
         search->found[i] = true;
         search->manifests[i] = *layer;
         snprintf(search->manifest_paths[i], PATH_MAX, "%s", search->current);
         search->missing--;
      }
   }
}

/* kr_manifest_scan_folder's visitor: reads one manifest; false once every layer is found. */
static bool
visit_manifest(void *ctx, const char *path)
{
   struct layer_search *search = ctx;
   char err[256];
   char *text = kr_manifest_read(path, err, sizeof(err));
   search->current = path;
   if (!text || !kr_layer_manifest_parse(text, path, declare_layer, search, err, sizeof(err)))
      kr_warn("skipping layer manifest %s: %s", path, err);
   free(text);
   return search->missing > 0;
}

/* Reads the manifests of one search entry: a manifest file, or a folder of them. */
static bool
search_entry(struct layer_search *search, const char *entry)
{
   struct stat st;
   if (kr_is_manifest_path(entry) && stat(entry, &st) == 0 && S_ISREG(st.st_mode))
      return visit_manifest(search, entry);
   return kr_manifest_scan_folder(entry, visit_manifest, search);
}

/* Searches the entries of a ':'-separated list; false once every layer is found. */
static bool
search_list(struct layer_search *search, const char *list)
{
   char *copy = strdup(list);
   bool go_on = true;
   char *save = NULL;
   if (!copy)
      return true; /* out of memory: the layers are reported missing */
   for (char *e = strtok_r(copy, ":", &save); e && go_on; e = strtok_r(NULL, ":", &save))
      go_on = search_entry(search, e);
   free(copy);
   return go_on;
}

/* Where the loader looks for explicit layers, for the message about one that is missing. */
static void
describe_search(char *out, size_t size)
{
   const char *override = secure_getenv("VK_LAYER_PATH");
   const char *additional = secure_getenv("VK_ADD_LAYER_PATH");
   if (override && *override)
      snprintf(out, size, "VK_LAYER_PATH=%s", override);
   else if (additional && *additional)
      snprintf(out, size, "VK_ADD_LAYER_PATH=%s and the standard folders", additional);
   else
      snprintf(out, size, "the standard folders");
}

/* Fills search->found: VK_LAYER_PATH alone if set, else VK_ADD_LAYER_PATH and then the standard
 * folders (the loader's order for explicit layers). */
static void
search_manifests(struct layer_search *search)
{
   const char *override = secure_getenv("VK_LAYER_PATH");
   const char *additional = secure_getenv("VK_ADD_LAYER_PATH");
   if (override && *override) {
      search_list(search, override);
      return;
   }
   if (additional && *additional && !search_list(search, additional))
      return;
   unsigned n = kr_manifest_standard_folders("vulkan/explicit_layer.d", search->folders,
                                             KR_MAX_MANIFEST_FOLDERS);
   for (unsigned i = 0; i < n; i++) {
      if (!kr_manifest_scan_folder(search->folders[i], visit_manifest, search))
         return;
   }
}

static PFN_vkVoidFunction
find_function(void *library, const char *custom, const char *standard)
{
   return (PFN_vkVoidFunction)dlsym(library, custom[0] ? custom : standard);
}

/* dlopen's a layer, negotiates the loader-layer interface and finds its proc-addr functions,
 * as the loader does (loader_create_instance_chain, loader_get_layer_interface_version). */
static bool
open_layer(const struct kr_layer_manifest *manifest, struct kr_vendor_layer *layer)
{
   const char *env = kr_setting_name(KR_SETTING_VENDOR_LAYERS);
   /* RTLD_NODELETE, as for vendor drivers (kr_vendor.c): the layer stays for the life of the
    * process, so that LeakSanitizer can name what it keeps. */
   layer->library = dlopen(layer->library_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
   if (!layer->library) {
      kr_error("%s: layer %s (%s): cannot load library: %s", env, layer->name,
               layer->manifest_path, dlerror());
      return false;
   }
   PFN_vkNegotiateLoaderLayerInterfaceVersion negotiate =
      (PFN_vkNegotiateLoaderLayerInterfaceVersion)find_function(
         layer->library, manifest->negotiate_interface, "vkNegotiateLoaderLayerInterfaceVersion");
   VkNegotiateLayerInterface iface = {
      .sType = LAYER_NEGOTIATE_INTERFACE_STRUCT,
      .loaderLayerInterfaceVersion = 1,
   };
   if (negotiate) {
      iface.loaderLayerInterfaceVersion = CURRENT_LOADER_LAYER_INTERFACE_VERSION;
      VkResult result = negotiate(&iface);
      if (result != VK_SUCCESS ||
          iface.loaderLayerInterfaceVersion < MIN_SUPPORTED_LOADER_LAYER_INTERFACE_VERSION) {
         kr_error("%s: layer %s (%s): interface negotiation failed (%d, version %u)", env,
                  layer->name, layer->library_path, result, iface.loaderLayerInterfaceVersion);
         goto fail;
      }
   }
   layer->interface_version = iface.loaderLayerInterfaceVersion;
   if (layer->interface_version >= 2) {
      layer->gipa = iface.pfnGetInstanceProcAddr;
      layer->gdpa = iface.pfnGetDeviceProcAddr;
      layer->gpdpa = iface.pfnGetPhysicalDeviceProcAddr;
   }
   if (!layer->gipa)
      layer->gipa = (PFN_vkGetInstanceProcAddr)find_function(
         layer->library, manifest->get_instance_proc_addr, "vkGetInstanceProcAddr");
   if (!layer->gdpa)
      layer->gdpa = (PFN_vkGetDeviceProcAddr)find_function(
         layer->library, manifest->get_device_proc_addr, "vkGetDeviceProcAddr");
   if (!layer->gipa) {
      kr_error("%s: layer %s (%s): library %s exports no %s", env, layer->name,
               layer->manifest_path, layer->library_path,
               manifest->get_instance_proc_addr[0] ? manifest->get_instance_proc_addr
                                                   : "vkGetInstanceProcAddr");
      goto fail;
   }
   return true;
fail:
   dlclose(layer->library);
   layer->library = NULL;
   return false;
}

static void
close_layers(struct kr_vendor_layer *layers, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      if (layers[i].library)
         dlclose(layers[i].library);
      layers[i].library = NULL;
   }
}

VkResult
kr_vendor_layers_load(const VkAllocationCallbacks *alloc, struct kr_vendor_layer_list *list)
{
   const char *env = kr_setting_name(KR_SETTING_VENDOR_LAYERS);
   const char *setting = kr_setting(KR_SETTING_VENDOR_LAYERS);
   VkResult result = VK_ERROR_LAYER_NOT_PRESENT;
   uint32_t opened = 0;
   list->count = 0;
   list->layers = NULL;
   if (!setting || !setting[strspn(setting, KR_LAYER_NAME_SEPARATORS)])
      return VK_SUCCESS;

   struct layer_search *search = calloc(1, sizeof(*search));
   if (!search)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (!parse_names(search, setting))
      goto done;
   search_manifests(search);
   for (uint32_t i = 0; i < search->count; i++) {
      if (!search->found[i]) {
         char where[2 * PATH_MAX];
         describe_search(where, sizeof(where));
         kr_error("%s: layer %s not found: no explicit layer manifest in %s declares it", env,
                  search->names[i], where);
         goto done;
      }
   }
   for (; opened < search->count; opened++) {
      const struct kr_layer_manifest *manifest = &search->manifests[opened];
      struct kr_vendor_layer *layer = &search->layers[opened];
      /* Arrays of the same sizes, NUL-terminated. */
      memcpy(layer->name, manifest->name, sizeof(layer->name));
      memcpy(layer->manifest_path, search->manifest_paths[opened], PATH_MAX);
      memcpy(layer->library_path, manifest->library_path, PATH_MAX);
      if (manifest->meta) {
         kr_error("%s: layer %s (%s) is a meta layer (component_layers), which Kronos does not "
                  "load: name its component layers instead", env, layer->name,
                  layer->manifest_path);
         goto done;
      }
      if (!open_layer(manifest, layer))
         goto done;
      kr_info("vendor layer %s (%s: %s), interface version %u", layer->name,
              layer->manifest_path, layer->library_path, layer->interface_version);
   }

   list->layers = kr_alloc(alloc, sizeof(struct kr_vendor_layer) * search->count, 8,
                           VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!list->layers) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto done;
   }
   memcpy(list->layers, search->layers, sizeof(struct kr_vendor_layer) * search->count);
   list->count = search->count;
   opened = 0; /* the list owns them now */
   result = VK_SUCCESS;

done:
   close_layers(search->layers, opened);
   free(search);
   return result;
}

void
kr_vendor_layers_unload(const VkAllocationCallbacks *alloc, struct kr_vendor_layer_list *list)
{
   close_layers(list->layers, list->count);
   kr_free(alloc, list->layers);
   list->layers = NULL;
   list->count = 0;
}
