/* SPDX-License-Identifier: MIT */
#include "kr_layer_chain.h"

#include <string.h>

#include "kr_log.h"

#define TERMINAL_MAGIC 0x4b524f4e4f534c54ull       /* "KRONOSLT" */
#define DEVICE_CONTEXT_MAGIC 0x4b524f4e4f534443ull /* "KRONOSDC" */

/* What kr_layer_chain_create_device passes down the chain in *pDevice, as the loader passes its
 * loader_device: the terminator reads it back. */
struct device_context {
   uint64_t magic;
   const void *dispatch;
};

/* The terminal whose address is a vendor instance's or physical device's dispatch word; NULL
 * for an object that has none (still the driver's ICD_LOADER_MAGIC, or not Kronos's). */
static const struct kr_layer_terminal *
terminal_of(const void *object)
{
   if (!object || valid_loader_magic_value((void *)object))
      return NULL;
   const struct kr_layer_terminal *terminal = ((const VK_LOADER_DATA *)object)->loaderData;
   return terminal && terminal->magic == TERMINAL_MAGIC ? terminal : NULL;
}

/* --- Terminators: the bottom of the chains, calling the vendor ------------------------------ */

static VKAPI_ATTR VkResult VKAPI_CALL
terminator_CreateInstance(const VkInstanceCreateInfo *pCreateInfo,
                          const VkAllocationCallbacks *pAllocator, VkInstance *pInstance)
{
   /* The loader's terminator reads its instance from *pInstance; so does this one. */
   struct kr_layer_terminal *terminal = (struct kr_layer_terminal *)*pInstance;
   if (!terminal || terminal->magic != TERMINAL_MAGIC) {
      kr_error("vkCreateInstance: a vendor layer changed the instance handle passed down the "
               "chain (the loader's policy LLP_LAYER_22 forbids it)");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   const struct kr_vendor *vendor = terminal->vendor;
   PFN_vkCreateInstance create =
      (PFN_vkCreateInstance)vendor->gipa(VK_NULL_HANDLE, "vkCreateInstance");
   VkInstance handle = VK_NULL_HANDLE;
   VkResult result = create(pCreateInfo, pAllocator, &handle);
   if (result != VK_SUCCESS)
      return result;
   terminal->EnumeratePhysicalDevices =
      (PFN_vkEnumeratePhysicalDevices)vendor->gipa(handle, "vkEnumeratePhysicalDevices");
   terminal->EnumeratePhysicalDeviceGroups = (PFN_vkEnumeratePhysicalDeviceGroups)vendor->gipa(
      handle, "vkEnumeratePhysicalDeviceGroups");
   terminal->CreateDevice = (PFN_vkCreateDevice)vendor->gipa(handle, "vkCreateDevice");
   terminal->GetDeviceProcAddr =
      (PFN_vkGetDeviceProcAddr)vendor->gipa(handle, "vkGetDeviceProcAddr");
   kr_layer_set_dispatch(handle, terminal);
   *pInstance = handle;
   return VK_SUCCESS;
}

static VKAPI_ATTR VkResult VKAPI_CALL
terminator_EnumeratePhysicalDevices(VkInstance instance, uint32_t *pPhysicalDeviceCount,
                                    VkPhysicalDevice *pPhysicalDevices)
{
   const struct kr_layer_terminal *terminal = terminal_of(instance);
   if (!terminal || !terminal->EnumeratePhysicalDevices)
      return VK_ERROR_INITIALIZATION_FAILED;
   VkResult result = terminal->EnumeratePhysicalDevices(instance, pPhysicalDeviceCount,
                                                        pPhysicalDevices);
   /* The loader's physical devices carry the instance's dispatch pointer; so do these. */
   if (result >= 0 && pPhysicalDevices) {
      for (uint32_t i = 0; i < *pPhysicalDeviceCount; i++)
         kr_layer_set_dispatch(pPhysicalDevices[i], terminal);
   }
   return result;
}

static VKAPI_ATTR VkResult VKAPI_CALL
terminator_EnumeratePhysicalDeviceGroups(VkInstance instance, uint32_t *pGroupCount,
                                         VkPhysicalDeviceGroupProperties *pGroups)
{
   const struct kr_layer_terminal *terminal = terminal_of(instance);
   if (!terminal || !terminal->EnumeratePhysicalDeviceGroups)
      return VK_ERROR_INITIALIZATION_FAILED;
   VkResult result = terminal->EnumeratePhysicalDeviceGroups(instance, pGroupCount, pGroups);
   if (result >= 0 && pGroups) {
      for (uint32_t i = 0; i < *pGroupCount; i++) {
         for (uint32_t j = 0; j < pGroups[i].physicalDeviceCount; j++)
            kr_layer_set_dispatch(pGroups[i].physicalDevices[j], terminal);
      }
   }
   return result;
}

static VKAPI_ATTR VkResult VKAPI_CALL
terminator_CreateDevice(VkPhysicalDevice physicalDevice, const VkDeviceCreateInfo *pCreateInfo,
                        const VkAllocationCallbacks *pAllocator, VkDevice *pDevice)
{
   /* As the loader's terminator_CreateDevice: what the chain was started with is in *pDevice,
    * and the new device gets its dispatch word before any layer sees it. */
   const struct device_context *context = (const struct device_context *)*pDevice;
   const struct kr_layer_terminal *terminal = terminal_of(physicalDevice);
   if (!context || context->magic != DEVICE_CONTEXT_MAGIC) {
      kr_error("vkCreateDevice: a vendor layer changed the device handle passed down the chain "
               "(the loader's policy LLP_LAYER_22 forbids it)");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   if (!terminal || !terminal->CreateDevice) {
      kr_error("vkCreateDevice: a vendor layer passed down a physical device that is not its "
               "vendor's");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkDevice handle = VK_NULL_HANDLE;
   VkResult result = terminal->CreateDevice(physicalDevice, pCreateInfo, pAllocator, &handle);
   if (result != VK_SUCCESS)
      return result;
   kr_layer_set_dispatch(handle, context->dispatch);
   *pDevice = handle;
   return VK_SUCCESS;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL terminator_GetInstanceProcAddr(VkInstance instance,
                                                                               const char *pName);

/* The functions Kronos terminates itself; the others go straight to the vendor. */
static PFN_vkVoidFunction
terminator_function(const char *name)
{
   static const struct {
      const char *name;
      PFN_vkVoidFunction function;
   } terminators[] = {
      {"vkGetInstanceProcAddr", (PFN_vkVoidFunction)terminator_GetInstanceProcAddr},
      {"vkCreateInstance", (PFN_vkVoidFunction)terminator_CreateInstance},
      {"vkEnumeratePhysicalDevices", (PFN_vkVoidFunction)terminator_EnumeratePhysicalDevices},
      {"vkEnumeratePhysicalDeviceGroups",
       (PFN_vkVoidFunction)terminator_EnumeratePhysicalDeviceGroups},
      {"vkEnumeratePhysicalDeviceGroupsKHR",
       (PFN_vkVoidFunction)terminator_EnumeratePhysicalDeviceGroups},
      {"vkCreateDevice", (PFN_vkVoidFunction)terminator_CreateDevice},
   };
   for (size_t i = 0; i < sizeof(terminators) / sizeof(terminators[0]); i++) {
      if (strcmp(name, terminators[i].name) == 0)
         return terminators[i].function;
   }
   return NULL;
}

/* The last layer's pfnNextGetInstanceProcAddr (the loader's loader_gpa_instance_terminator). */
static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
terminator_GetInstanceProcAddr(VkInstance instance, const char *pName)
{
   PFN_vkVoidFunction function = terminator_function(pName);
   if (function)
      return function;
   /* Global functions other than vkCreateInstance: Kronos asks its layers nothing before it
    * creates an instance, so no layer needs them from below. */
   const struct kr_layer_terminal *terminal = terminal_of(instance);
   return terminal ? terminal->vendor->gipa(instance, pName) : NULL;
}

/* The last layer's pfnNextGetPhysicalDeviceProcAddr. */
static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
terminator_GetPhysicalDeviceProcAddr(VkInstance instance, const char *pName)
{
   const struct kr_layer_terminal *terminal = terminal_of(instance);
   if (!terminal)
      return NULL;
   const struct kr_vendor *vendor = terminal->vendor;
   /* Drivers before interface version 4 answer physical-device functions through gipa. */
   return vendor->gpdpa ? vendor->gpdpa(instance, pName) : vendor->gipa(instance, pName);
}

/* --- Loader callbacks: layers give their own dispatchable objects a dispatch word ---------- */

/* The loader's vkSetInstanceDispatch. */
static VKAPI_ATTR VkResult VKAPI_CALL
set_instance_loader_data(VkInstance instance, void *object)
{
   const struct kr_layer_terminal *terminal = terminal_of(instance);
   if (!terminal) {
      kr_error("vkSetInstanceLoaderData: a vendor layer named an instance that is not its "
               "vendor's");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   kr_layer_set_dispatch(object, terminal);
   return VK_SUCCESS;
}

/* The loader's vkSetDeviceDispatch: the object gets the device's word. */
static VKAPI_ATTR VkResult VKAPI_CALL
set_device_loader_data(VkDevice device, void *object)
{
   if (!device || valid_loader_magic_value(device)) {
      kr_error("vkSetDeviceLoaderData: a vendor layer named a device that is not its vendor's");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   kr_layer_set_dispatch(object, ((VK_LOADER_DATA *)device)->loaderData);
   return VK_SUCCESS;
}

/* --- Chains ---------------------------------------------------------------------------------- */

VkResult
kr_layer_chain_create_instance(const struct kr_vendor_layer_list *layers,
                               const struct kr_vendor *vendor, const VkInstanceCreateInfo *info,
                               const VkAllocationCallbacks *alloc,
                               struct kr_layer_terminal *terminal, VkInstance *instance,
                               struct kr_layer_chain_top *top)
{
   VkLayerInstanceLink links[KR_MAX_VENDOR_LAYERS];
   PFN_vkGetInstanceProcAddr next_gipa = terminator_GetInstanceProcAddr;
   PFN_GetPhysicalDeviceProcAddr next_gpdpa = terminator_GetPhysicalDeviceProcAddr;
   VkLayerInstanceCreateInfo chain_info = {
      .sType = VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO,
      .pNext = info->pNext,
      .function = VK_LAYER_LINK_INFO,
   };
   /* From the layer nearest the vendor up: each link says what is below its layer. */
   for (uint32_t i = layers->count; i-- > 0;) {
      const struct kr_vendor_layer *layer = &layers->layers[i];
      VkLayerInstanceLink *link = &links[i];
      link->pNext = chain_info.u.pLayerInfo;
      link->pfnNextGetInstanceProcAddr = next_gipa;
      link->pfnNextGetPhysicalDeviceProcAddr = next_gpdpa;
      chain_info.u.pLayerInfo = link;
      next_gipa = layer->gipa;
      if (layer->interface_version > 1 && layer->gpdpa)
         next_gpdpa = layer->gpdpa;
   }
   const VkLayerInstanceCreateInfo data_callback = {
      .sType = VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO,
      .pNext = &chain_info,
      .function = VK_LOADER_DATA_CALLBACK,
      .u.pfnSetInstanceLoaderData = set_instance_loader_data,
   };
   /* No VK_LOADER_LAYER_CREATE_DEVICE_CALLBACK: it serves layers that create devices through
    * the loader's trampoline, which has no counterpart below Kronos. */
   const VkLayerInstanceCreateInfo features = {
      .sType = VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO,
      .pNext = &data_callback,
      .function = VK_LOADER_FEATURES,
      .u.loaderFeatures = 0,
   };
   VkInstanceCreateInfo create_info = *info;
   create_info.pNext = &features;

   memset(terminal, 0, sizeof(*terminal));
   terminal->magic = TERMINAL_MAGIC;
   terminal->vendor = vendor;
   PFN_vkCreateInstance create =
      (PFN_vkCreateInstance)next_gipa(VK_NULL_HANDLE, "vkCreateInstance");
   if (!create) {
      kr_error("vendor driver %s: layer %s has no vkCreateInstance", kr_vendor_name(vendor),
               layers->layers[0].name);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   *instance = (VkInstance)terminal;
   VkResult result = create(&create_info, alloc, instance);
   if (result != VK_SUCCESS) {
      *instance = VK_NULL_HANDLE;
      return result;
   }
   top->gipa = next_gipa;
   top->gpdpa = next_gpdpa;
   return VK_SUCCESS;
}

VkResult
kr_layer_chain_create_device(const struct kr_vendor_layer_list *layers, VkInstance instance,
                             const struct kr_layer_terminal *terminal,
                             VkPhysicalDevice physical_device, const VkDeviceCreateInfo *info,
                             const VkAllocationCallbacks *alloc, const void *dispatch,
                             VkDevice *device, PFN_vkGetDeviceProcAddr *gdpa)
{
   VkLayerDeviceLink links[KR_MAX_VENDOR_LAYERS];
   PFN_vkGetInstanceProcAddr next_gipa = terminator_GetInstanceProcAddr;
   PFN_vkGetDeviceProcAddr next_gdpa = terminal->GetDeviceProcAddr;
   VkLayerDeviceCreateInfo chain_info = {
      .sType = VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO,
      .pNext = info->pNext,
      .function = VK_LAYER_LINK_INFO,
   };
   for (uint32_t i = layers->count; i-- > 0;) {
      const struct kr_vendor_layer *layer = &layers->layers[i];
      if (!layer->gdpa)
         continue; /* an instance-only layer: the loader leaves it out of devices too */
      VkLayerDeviceLink *link = &links[i];
      link->pNext = chain_info.u.pLayerInfo;
      link->pfnNextGetInstanceProcAddr = next_gipa;
      link->pfnNextGetDeviceProcAddr = next_gdpa;
      chain_info.u.pLayerInfo = link;
      next_gipa = layer->gipa;
      next_gdpa = layer->gdpa;
   }
   const VkLayerDeviceCreateInfo data_callback = {
      .sType = VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO,
      .pNext = &chain_info,
      .function = VK_LOADER_DATA_CALLBACK,
      .u.pfnSetDeviceLoaderData = set_device_loader_data,
   };
   VkDeviceCreateInfo create_info = *info;
   create_info.pNext = &data_callback;

   PFN_vkCreateDevice create = (PFN_vkCreateDevice)next_gipa(instance, "vkCreateDevice");
   if (!create) {
      kr_error("vkCreateDevice: the vendor layers have no vkCreateDevice");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   const struct device_context context = {.magic = DEVICE_CONTEXT_MAGIC, .dispatch = dispatch};
   *device = (VkDevice)&context;
   VkResult result = create(physical_device, &create_info, alloc, device);
   if (result != VK_SUCCESS) {
      *device = VK_NULL_HANDLE;
      return result;
   }
   *gdpa = next_gdpa;
   return VK_SUCCESS;
}
