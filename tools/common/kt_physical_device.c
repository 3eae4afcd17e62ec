/* SPDX-License-Identifier: MIT */
#include "kt_physical_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kronos/kronos.h>

#include "kt_check.h"

static VkResult
has_device_extension(VkPhysicalDevice device, const char *name, bool *found)
{
   *found = false;
   uint32_t count = 0;
   VkResult result = vkEnumerateDeviceExtensionProperties(device, NULL, &count, NULL);
   if (!kt_ok(result, "vkEnumerateDeviceExtensionProperties"))
      return result;
   VkExtensionProperties *extensions = calloc(count ? count : 1, sizeof(*extensions));
   if (!extensions)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   result = vkEnumerateDeviceExtensionProperties(device, NULL, &count, extensions);
   if (result == VK_INCOMPLETE)
      result = VK_SUCCESS;
   if (kt_ok(result, "vkEnumerateDeviceExtensionProperties")) {
      for (uint32_t i = 0; i < count && !*found; i++)
         *found = strcmp(extensions[i].extensionName, name) == 0;
   }
   free(extensions);
   return result;
}

static bool
is_kronos(const struct kt_physical_device *device)
{
   if (device->has_driver && strcmp(device->driver.driverName, KRONOS_DRIVER_NAME) == 0)
      return true;
   return strncmp(device->properties.deviceName, KRONOS_DEVICE_NAME_PREFIX,
                  strlen(KRONOS_DEVICE_NAME_PREFIX)) == 0;
}

static VkResult
describe(const struct kt_instance *instance, VkPhysicalDevice handle,
         struct kt_physical_device *out)
{
   memset(out, 0, sizeof(*out));
   out->handle = handle;
   vkGetPhysicalDeviceProperties(handle, &out->properties);

   /* VkPhysicalDeviceDriverProperties: core in 1.2 (where both the instance and the device are
    * 1.2), else VK_KHR_driver_properties. */
   bool driver = instance->api_version >= VK_API_VERSION_1_2 &&
                 out->properties.apiVersion >= VK_API_VERSION_1_2;
   if (!driver) {
      VkResult result = has_device_extension(handle, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME,
                                             &driver);
      if (result != VK_SUCCESS)
         return result;
   }
   out->driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
   out->id.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES;
   out->id.pNext = driver ? &out->driver : NULL;
   VkPhysicalDeviceProperties2 properties2 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
      .pNext = &out->id,
   };
   vkGetPhysicalDeviceProperties2(handle, &properties2);
   out->id.pNext = NULL;
   out->driver.pNext = NULL;
   out->has_driver = driver;
   out->is_kronos = is_kronos(out);
   return VK_SUCCESS;
}

VkResult
kt_physical_devices_list(const struct kt_instance *instance,
                         struct kt_physical_device **devices, uint32_t *count)
{
   *devices = NULL;
   *count = 0;
   VkPhysicalDevice *handles = NULL;
   struct kt_physical_device *list = NULL;
   uint32_t n = 0;
   VkResult result = vkEnumeratePhysicalDevices(instance->handle, &n, NULL);
   if (!kt_ok(result, "vkEnumeratePhysicalDevices"))
      goto cleanup;
   handles = calloc(n ? n : 1, sizeof(*handles));
   list = calloc(n ? n : 1, sizeof(*list));
   if (!handles || !list) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      kt_error("out of memory");
      goto cleanup;
   }
   result = vkEnumeratePhysicalDevices(instance->handle, &n, handles);
   if (result == VK_INCOMPLETE)
      result = VK_SUCCESS;
   if (!kt_ok(result, "vkEnumeratePhysicalDevices"))
      goto cleanup;
   for (uint32_t i = 0; i < n; i++) {
      result = describe(instance, handles[i], &list[i]);
      if (result != VK_SUCCESS)
         goto cleanup;
   }
   *devices = list;
   *count = n;
   list = NULL;

cleanup:
   free(list);
   free(handles);
   return result;
}

void
kt_physical_devices_pair(const struct kt_physical_device *devices, uint32_t count,
                         struct kt_device_pair *pairs, uint32_t *pair_count)
{
   *pair_count = 0;
   for (uint32_t k = 0; k < count; k++) {
      if (!devices[k].is_kronos)
         continue;
      struct kt_device_pair *pair = &pairs[(*pair_count)++];
      pair->kronos = &devices[k];
      pair->vendor = NULL;
      for (uint32_t v = 0; v < count && !pair->vendor; v++) {
         if (!devices[v].is_kronos &&
             memcmp(devices[v].id.deviceUUID, devices[k].id.deviceUUID, VK_UUID_SIZE) == 0)
            pair->vendor = &devices[v];
      }
   }
}

const char *
kt_physical_device_driver_name(const struct kt_physical_device *device)
{
   return device->has_driver ? device->driver.driverName : "(unknown driver)";
}

void
kt_uuid_format(const uint8_t uuid[VK_UUID_SIZE], char out[37])
{
   char *p = out;
   for (unsigned i = 0; i < VK_UUID_SIZE; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10)
         *p++ = '-';
      p += sprintf(p, "%02x", uuid[i]);
   }
}
