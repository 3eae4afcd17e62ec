/* SPDX-License-Identifier: MIT */
/* The loader-facing side: the three exported vk_icd* functions and the proc-addr lookups. */
#include <string.h>
#include <vulkan/vk_icd.h>

#include "kr_entrypoints.h"
#include "kr_objects.h"
#include "kr_util.h"

#define KR_EXPORT __attribute__((visibility("default")))

/* The newest loader-ICD interface Kronos implements (physical-device proc addr: 4+, no
 * Windows adapter enumeration needed on Linux: 6, exported vk_icd* functions: 7). */
#define KR_ICD_INTERFACE_VERSION 7

KR_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t *pSupportedVersion)
{
   /* Any loader version works: Kronos creates no surfaces and needs nothing newer. */
   if (*pSupportedVersion > KR_ICD_INTERFACE_VERSION)
      *pSupportedVersion = KR_ICD_INTERFACE_VERSION;
   return VK_SUCCESS;
}

static PFN_vkVoidFunction
icd_export(const char *name)
{
   if (strcmp(name, "vk_icdNegotiateLoaderICDInterfaceVersion") == 0)
      return (PFN_vkVoidFunction)vk_icdNegotiateLoaderICDInterfaceVersion;
   if (strcmp(name, "vk_icdGetInstanceProcAddr") == 0)
      return (PFN_vkVoidFunction)vk_icdGetInstanceProcAddr;
   if (strcmp(name, "vk_icdGetPhysicalDeviceProcAddr") == 0)
      return (PFN_vkVoidFunction)vk_icdGetPhysicalDeviceProcAddr;
   return NULL;
}

static PFN_vkVoidFunction
kronos_extension(const char *name)
{
   if (strcmp(name, "vkGetDeviceStatisticsKRONOS") == 0)
      return (PFN_vkVoidFunction)kr_GetDeviceStatisticsKRONOS;
   return NULL;
}

KR_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char *pName)
{
   if (!pName)
      return NULL;
   PFN_vkVoidFunction exported = icd_export(pName);
   if (exported)
      return exported;
   const struct kr_entrypoint *entry = kr_entrypoint_find(pName);
   if (!entry)
      return instance ? kronos_extension(pName) : NULL;
   /* Without an instance only the global commands (and this function) are answered. */
   if (instance == VK_NULL_HANDLE && entry->level != KR_LEVEL_GLOBAL &&
       strcmp(pName, "vkGetInstanceProcAddr") != 0)
      return NULL;
   return entry->func;
}

KR_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance instance, const char *pName)
{
   (void)instance;
   const struct kr_entrypoint *entry = kr_entrypoint_find(pName);
   return entry && entry->level == KR_LEVEL_PHYSICAL_DEVICE ? entry->func : NULL;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
kr_GetInstanceProcAddr(VkInstance instance, const char *pName)
{
   return vk_icdGetInstanceProcAddr(instance, pName);
}

/* Whether the application may have this name of a command from vkGetDeviceProcAddr: a core
 * version that has it under this name is within the version of the device (the lower of the
 * application's apiVersion and the device's), or a device extension that has it is enabled, or
 * an instance extension has it. An alias is available only through what introduced it, whatever
 * other names the command has, and core commands of versions above the application's are not
 * (as VK_KHR_maintenance5 requires). */
static bool
name_enabled(const struct kr_device *dev, const struct kr_entrypoint *entry)
{
   if (entry->instance_extension)
      return true;
   uint32_t version = KR_MIN(dev->physical->instance->api_version, dev->api_version);
   version = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version), 0);
   if (entry->core_version && entry->core_version <= version)
      return true;
   for (unsigned i = 0; i < entry->gate_count; i++) {
      if (kr_extensions_test(&dev->enabled_extensions, kr_entry_gates[entry->gate_first + i]))
         return true;
   }
   return false;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
kr_GetDeviceProcAddr(VkDevice device, const char *pName)
{
   const struct kr_entrypoint *entry = kr_entrypoint_find(pName);
   if (!entry)
      return kronos_extension(pName);
   if (entry->level != KR_LEVEL_DEVICE)
      return NULL;
   struct kr_device *dev = kr_device_from_handle(device);
   if (!name_enabled(dev, entry))
      return NULL;
   /* A command the vendor device does not have is not offered either; graphics stubs have no
    * vendor slot. */
   if (entry->device_slot >= 0) {
      PFN_vkVoidFunction slot;
      memcpy(&slot, (const char *)&dev->disp + (size_t)entry->device_slot * sizeof(slot),
             sizeof(slot));
      if (!slot)
         return NULL;
   }
   return entry->func;
}
