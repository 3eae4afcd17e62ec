/* SPDX-License-Identifier: MIT */
/* Instances: one Kronos instance holds one vendor instance per vendor driver, and the
 * physical devices of all of them. */
#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_device_order.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_physical_device.h"
#include "kr_util.h"
#include "kr_vendor_set.h"

/* Instance functions the loader requires of a driver; a vendor lacking one cannot be used. */
static const char *const required_instance_functions[] = {
   "vkDestroyInstance", "vkEnumeratePhysicalDevices", "vkGetPhysicalDeviceFeatures",
   "vkGetPhysicalDeviceFormatProperties", "vkGetPhysicalDeviceImageFormatProperties",
   "vkGetPhysicalDeviceProperties", "vkGetPhysicalDeviceQueueFamilyProperties",
   "vkGetPhysicalDeviceMemoryProperties", "vkGetPhysicalDeviceSparseImageFormatProperties",
   "vkGetDeviceProcAddr", "vkCreateDevice", "vkEnumerateDeviceExtensionProperties",
   "vkGetPhysicalDeviceFeatures2", "vkGetPhysicalDeviceProperties2",
};

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumerateInstanceVersion(uint32_t *pApiVersion)
{
   *pApiVersion = KR_API_VERSION;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumerateInstanceLayerProperties(uint32_t *pPropertyCount, VkLayerProperties *pProperties)
{
   (void)pProperties;
   *pPropertyCount = 0;
   return VK_SUCCESS;
}

static bool
out_of_memory(VkResult result)
{
   return result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY;
}

/* The spec version of an extension in a list, 0 when absent. */
static uint32_t
find_extension(const VkExtensionProperties *props, uint32_t count, const char *name)
{
   for (uint32_t i = 0; i < count; i++) {
      if (strcmp(props[i].extensionName, name) == 0)
         return props[i].specVersion ? props[i].specVersion : 1;
   }
   return 0;
}

/* Kronos's instance extensions, *out_count of them: those it offers that at least one vendor
 * has; the spec version is the lower of the vendor's and the headers'. */
static void
offered_instance_extensions(const struct kr_vendor_list *vendors,
                            VkExtensionProperties out[KR_INSTANCE_EXTENSION_COUNT],
                            uint32_t *out_count)
{
   uint32_t spec[KR_INSTANCE_EXTENSION_COUNT] = {0};
   for (uint32_t v = 0; v < vendors->count; v++) {
      const struct kr_vendor *vendor = &vendors->vendors[v];
      for (uint32_t i = 0; i < KR_INSTANCE_EXTENSION_COUNT; i++) {
         uint32_t version = find_extension(vendor->instance_extensions,
                                           vendor->instance_extension_count,
                                           kr_instance_extensions[i].name);
         if (version)
            spec[i] = KR_MAX(spec[i], KR_MIN(version, kr_instance_extensions[i].spec_version));
      }
   }
   uint32_t n = 0;
   for (uint32_t i = 0; i < KR_INSTANCE_EXTENSION_COUNT; i++) {
      if (!spec[i])
         continue;
      memset(&out[n], 0, sizeof(out[n]));
      strcpy(out[n].extensionName, kr_instance_extensions[i].name);
      out[n].specVersion = spec[i];
      n++;
   }
   *out_count = n;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumerateInstanceExtensionProperties(const char *pLayerName, uint32_t *pPropertyCount,
                                        VkExtensionProperties *pProperties)
{
   if (pLayerName)
      return VK_ERROR_LAYER_NOT_PRESENT;
   struct kr_vendor_list vendors;
   VkExtensionProperties props[KR_INSTANCE_EXTENSION_COUNT];
   uint32_t count = 0;
   /* Quiet: the loader asks before creating an instance; vkCreateInstance reports problems.
    * The vendors are loaded once per process (kr_vendor_set.h): later calls cost nothing. */
   VkResult result = kr_vendor_set_get(true, &vendors);
   if (result == VK_ERROR_OUT_OF_HOST_MEMORY)
      return result;
   if (result == VK_SUCCESS)
      offered_instance_extensions(&vendors, props, &count);
   return kr_write_array(pProperties, pPropertyCount, props, count, sizeof(props[0]));
}

static VkResult
create_vendor_instance(struct kr_instance *instance, const struct kr_vendor *vendor,
                       const VkInstanceCreateInfo *info, struct kr_vendor_instance *out)
{
   VkResult result = VK_ERROR_INCOMPATIBLE_DRIVER;
   const char *name = kr_vendor_name(vendor);
   const VkExtensionProperties *ext = vendor->instance_extensions;
   uint32_t ext_count = vendor->instance_extension_count;
   const char **enabled = NULL;
   memset(out, 0, sizeof(*out));
   out->vendor = vendor;

   PFN_vkEnumerateInstanceVersion enumerate_version =
      (PFN_vkEnumerateInstanceVersion)vendor->gipa(VK_NULL_HANDLE, "vkEnumerateInstanceVersion");
   uint32_t vendor_version = VK_API_VERSION_1_0;
   if (enumerate_version) {
      VkResult version_result = enumerate_version(&vendor_version);
      /* Out of memory is the application's error, not the vendor's version. */
      if (version_result == VK_ERROR_OUT_OF_HOST_MEMORY) {
         result = version_result;
         goto done;
      }
      if (version_result != VK_SUCCESS)
         vendor_version = VK_API_VERSION_1_0;
   }
   if (kr_version_minor(vendor_version) < VK_API_VERSION_1_1) {
      kr_warn("vendor driver %s: Vulkan 1.0 only; Kronos needs 1.1", name);
      goto done;
   }
   out->api_version =
      kr_vendor_instance_version(instance->api_version, KR_MIN(vendor_version, KR_API_VERSION));

   /* The application's extensions that this vendor has (the others stay Kronos-side). */
   enabled = calloc(info->enabledExtensionCount + 1, sizeof(*enabled));
   if (!enabled) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto done;
   }
   uint32_t enabled_count = 0;
   for (uint32_t i = 0; i < info->enabledExtensionCount; i++) {
      const char *e = info->ppEnabledExtensionNames[i];
      if (find_extension(ext, ext_count, e)) {
         enabled[enabled_count++] = e;
         if (strcmp(e, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) == 0)
            out->debug_utils = true;
      }
   }

   /* Rebuild the pNext chain: only debug-utils messengers (for messages during creation)
    * are meaningful to a vendor driver; everything else is the loader's or a layer's. */
   VkDebugUtilsMessengerCreateInfoEXT messengers[4];
   uint32_t messenger_count = 0;
   const void *chain = NULL;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT && out->debug_utils &&
          messenger_count < KR_ARRAY_SIZE(messengers)) {
         messengers[messenger_count] = *(const VkDebugUtilsMessengerCreateInfoEXT *)s;
         messengers[messenger_count].pNext = chain;
         chain = &messengers[messenger_count++];
      }
   }

   VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO};
   if (info->pApplicationInfo)
      app = *info->pApplicationInfo;
   app.pNext = NULL;
   app.apiVersion = out->api_version;
   const VkInstanceCreateInfo vendor_info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pNext = chain,
      .pApplicationInfo = &app,
      .enabledExtensionCount = enabled_count,
      .ppEnabledExtensionNames = enabled,
   };
   /* Kronos's dispatch comes from the vendor, or from the first of the vendor layers. */
   struct kr_layer_chain_top top = {vendor->gipa, vendor->gpdpa};
   if (instance->layers.count) {
      out->layered = true;
      result = kr_layer_chain_create_instance(&instance->layers, vendor, &vendor_info,
                                              instance->alloc, &out->terminal, &out->handle,
                                              &top);
   } else {
      PFN_vkCreateInstance create =
         (PFN_vkCreateInstance)vendor->gipa(VK_NULL_HANDLE, "vkCreateInstance");
      result = create(&vendor_info, instance->alloc, &out->handle);
   }
   if (result != VK_SUCCESS) {
      kr_warn("vendor driver %s: vkCreateInstance failed (%d)%s", name, result,
              out->layered ? " under the vendor layers" : "");
      out->handle = VK_NULL_HANDLE;
      goto done;
   }

   kr_instance_dispatch_load(&out->disp, top.gipa, top.gpdpa, out->handle);
   out->gdpa = (PFN_vkGetDeviceProcAddr)top.gipa(out->handle, "vkGetDeviceProcAddr");
   for (uint32_t i = 0; i < KR_ARRAY_SIZE(required_instance_functions); i++) {
      const char *fn = required_instance_functions[i];
      if (!vendor->gipa(out->handle, fn)) {
         kr_error("vendor driver %s: lacks required function %s", name, fn);
         result = VK_ERROR_INITIALIZATION_FAILED;
         goto fail_destroy;
      }
   }
   goto done;

fail_destroy:
   if (out->disp.DestroyInstance)
      out->disp.DestroyInstance(out->handle, instance->alloc);
   out->handle = VK_NULL_HANDLE;
done:
   free(enabled);
   return result;
}

/* Appends the vendor's physical devices; the array has room for all of them. */
static VkResult
enumerate_vendor_devices(struct kr_instance *instance, struct kr_vendor_instance *vi,
                         uint32_t room)
{
   uint32_t count = room;
   VkPhysicalDevice *handles = kr_alloc(instance->alloc, sizeof(*handles) * KR_MAX(room, 1), 8,
                                        VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!handles)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult result = vi->disp.EnumeratePhysicalDevices(vi->handle, &count, handles);
   if (result < 0)
      goto done;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_physical_device *pd;
      VkResult r = kr_physical_device_create(instance, vi, handles[i], &pd);
      if (out_of_memory(r)) {
         result = r;
         goto done;
      }
      if (r == VK_SUCCESS) {
         kr_object_base_init(&pd->base, VK_OBJECT_TYPE_PHYSICAL_DEVICE, instance->alloc);
         pd->enumeration_index = instance->physical_device_count;
         instance->physical_devices[instance->physical_device_count++] = pd;
      }
   }
   result = VK_SUCCESS;
done:
   kr_free(instance->alloc, handles);
   return result;
}

static VkResult
enumerate_physical_devices(struct kr_instance *instance)
{
   uint32_t counts[KR_MAX_VENDORS] = {0}, total = 0;
   for (uint32_t i = 0; i < instance->vendor_instance_count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[i];
      VkResult result = vi->disp.EnumeratePhysicalDevices(vi->handle, &counts[i], NULL);
      /* Out of memory fails the instance, as it does below; other errors leave the vendor
       * without devices. */
      if (out_of_memory(result))
         return result;
      if (result != VK_SUCCESS) {
         kr_warn("vendor driver %s: vkEnumeratePhysicalDevices failed (%d)",
                 kr_vendor_name(vi->vendor), result);
         counts[i] = 0;
      }
      total += counts[i];
   }
   instance->physical_devices = kr_zalloc(instance->alloc, sizeof(void *) * KR_MAX(total, 1), 8,
                                          VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!instance->physical_devices)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < instance->vendor_instance_count; i++) {
      if (!counts[i])
         continue;
      VkResult result = enumerate_vendor_devices(instance, &instance->vendor_instances[i],
                                                 counts[i]);
      if (out_of_memory(result))
         return result;
      if (result != VK_SUCCESS)
         kr_warn("vendor driver %s: vkEnumeratePhysicalDevices failed (%d)",
                 kr_vendor_name(instance->vendor_instances[i].vendor), result);
   }
   return VK_SUCCESS;
}

static void
destroy_instance(struct kr_instance *instance)
{
   for (uint32_t i = 0; i < instance->physical_device_count; i++) {
      kr_object_base_finish(&instance->physical_devices[i]->base);
      kr_physical_device_destroy(instance->physical_devices[i]);
   }
   kr_free(instance->alloc, instance->physical_devices);
   for (uint32_t i = 0; i < instance->vendor_instance_count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[i];
      vi->disp.DestroyInstance(vi->handle, instance->alloc);
   }
   kr_free(instance->alloc, instance->vendor_instances);
   kr_vendor_layers_unload(instance->alloc, &instance->layers);
   /* instance->vendors is the process's (kr_vendor_set.h): kept for the next instance. */
   kr_object_base_finish(&instance->base);
   const VkAllocationCallbacks *alloc = instance->alloc;
   kr_free(alloc, instance);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateInstance(const VkInstanceCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                  VkInstance *pInstance)
{
   VkResult result;
   struct kr_instance *instance = kr_zalloc(pAllocator, sizeof(*instance), 8,
                                            VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!instance)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   set_loader_magic_value(instance);
   if (pAllocator) {
      instance->alloc_storage = *pAllocator;
      instance->alloc = &instance->alloc_storage;
   }
   kr_object_base_init(&instance->base, VK_OBJECT_TYPE_INSTANCE, instance->alloc);
   const VkApplicationInfo *app = pCreateInfo->pApplicationInfo;
   instance->api_version = app && app->apiVersion ? app->apiVersion : VK_API_VERSION_1_0;

   result = kr_vendor_set_get(false, &instance->vendors);
   if (result == VK_SUCCESS)
      result = kr_vendor_layers_load(instance->alloc, &instance->layers);
   if (result != VK_SUCCESS)
      goto fail;

   VkExtensionProperties offered[KR_INSTANCE_EXTENSION_COUNT];
   uint32_t offered_count;
   offered_instance_extensions(&instance->vendors, offered, &offered_count);
   for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; i++) {
      const char *e = pCreateInfo->ppEnabledExtensionNames[i];
      if (!find_extension(offered, offered_count, e)) {
         kr_error("vkCreateInstance: instance extension %s is not supported by Kronos", e);
         result = VK_ERROR_EXTENSION_NOT_PRESENT;
         goto fail;
      }
   }

   size_t vendor_size = sizeof(struct kr_vendor_instance) * instance->vendors.count;
   instance->vendor_instances = kr_zalloc(instance->alloc, vendor_size, 8,
                                          VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!instance->vendor_instances) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   for (uint32_t i = 0; i < instance->vendors.count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[instance->vendor_instance_count];
      result = create_vendor_instance(instance, &instance->vendors.vendors[i], pCreateInfo, vi);
      if (out_of_memory(result))
         goto fail;
      if (result == VK_SUCCESS)
         instance->vendor_instance_count++;
   }
   if (instance->vendor_instance_count == 0) {
      kr_error("vkCreateInstance: no vendor driver could create an instance");
      result = VK_ERROR_INCOMPATIBLE_DRIVER;
      goto fail;
   }

   result = enumerate_physical_devices(instance);
   if (result != VK_SUCCESS)
      goto fail;
   kr_physical_devices_sort(instance->physical_devices, instance->physical_device_count);

   *pInstance = kr_instance_to_handle(instance);
   return VK_SUCCESS;

fail:
   destroy_instance(instance);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyInstance(VkInstance _instance, const VkAllocationCallbacks *pAllocator)
{
   (void)pAllocator; /* the callbacks given at creation, kept in the instance */
   if (_instance)
      destroy_instance(kr_instance_from_handle(_instance));
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumeratePhysicalDevices(VkInstance _instance, uint32_t *pPhysicalDeviceCount,
                            VkPhysicalDevice *pPhysicalDevices)
{
   struct kr_instance *instance = kr_instance_from_handle(_instance);
   return kr_write_array(pPhysicalDevices, pPhysicalDeviceCount, instance->physical_devices,
                         instance->physical_device_count, sizeof(VkPhysicalDevice));
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumeratePhysicalDeviceGroups(VkInstance _instance, uint32_t *pPhysicalDeviceGroupCount,
                                 VkPhysicalDeviceGroupProperties *pGroups)
{
   /* Each device is a group of one: Kronos does not offer multi-device groups. */
   struct kr_instance *instance = kr_instance_from_handle(_instance);
   uint32_t total = instance->physical_device_count;
   if (!pGroups) {
      *pPhysicalDeviceGroupCount = total;
      return VK_SUCCESS;
   }
   uint32_t n = KR_MIN(*pPhysicalDeviceGroupCount, total);
   for (uint32_t i = 0; i < n; i++) {
      pGroups[i].physicalDeviceCount = 1;
      memset(pGroups[i].physicalDevices, 0, sizeof(pGroups[i].physicalDevices));
      pGroups[i].physicalDevices[0] = kr_physical_device_to_handle(instance->physical_devices[i]);
      pGroups[i].subsetAllocation = VK_FALSE;
   }
   *pPhysicalDeviceGroupCount = n;
   return n < total ? VK_INCOMPLETE : VK_SUCCESS;
}
