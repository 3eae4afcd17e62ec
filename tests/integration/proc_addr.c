/* SPDX-License-Identifier: MIT */
/* vkGetDeviceProcAddr through Kronos against the vendor's, in one instance: for instances of
 * apiVersion 1.1, 1.3 and 1.4 and devices with and without the extensions that introduced the
 * names below, Kronos must answer a name exactly when the vendor does (Mesa's lavapipe follows
 * the specification's table: a name is available through the core version that has it, within
 * the application's apiVersion, or through an enabled extension that has it; an alias only
 * through what introduced it, whatever the command's other names; with VK_KHR_maintenance5, core
 * commands above the application's version are NULL). Names the headers do not know, or that
 * Kronos does not offer at all (VK_KHR_device_group's), are checked to be NULL through Kronos.
 * Graphics commands of the core are stubs on Kronos and real on the vendor: both non-NULL. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

struct name_case {
   const char *name;
   bool kronos_offers; /* false: Kronos never offers it (its extension is not in the policy) */
};

static const struct name_case names[] = {
   {"vkCmdDispatchBase", true},
   {"vkCmdDispatchBaseKHR", false},
   {"vkGetBufferDeviceAddress", true},
   {"vkGetBufferDeviceAddressKHR", true},
   {"vkCmdPipelineBarrier2", true},
   {"vkCmdPipelineBarrier2KHR", true},
   {"vkQueueSubmit2", true},
   {"vkQueueSubmit2KHR", true},
   {"vkCmdPushDescriptorSetKHR", true},
   {"vkCmdPushDescriptorSet", true},
   {"vkCmdBindDescriptorSets2", true},
   {"vkCmdBindDescriptorSets2KHR", true},
   {"vkCmdPushConstants2KHR", true},
   {"vkMapMemory2", true},
   {"vkMapMemory2KHR", true},
   {"vkGetDeviceImageSubresourceLayoutKHR", true},
   {"vkCmdBindIndexBuffer2KHR", true},
   {"vkCmdSetLineStipple", true},
   {"vkCmdDraw", true},
   {"vkCmdDispatch", true},
};

/* Extensions enabled in the "with extensions" configurations, where both devices have them. */
static const char *const wanted_extensions[] = {
   "VK_KHR_synchronization2", "VK_KHR_buffer_device_address", "VK_KHR_push_descriptor",
   "VK_KHR_maintenance5",     "VK_KHR_maintenance6",          "VK_KHR_map_memory2",
};

/* One configuration: a device on each side with the wanted extensions both have (or none),
 * then every name compared. */
static bool
check_config(uint32_t api_version, bool extensions)
{
   VkInstance instance = VK_NULL_HANDLE;
   VkDevice devices[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE}; /* vendor, kronos */
   bool ok = false;
   if (it_create_instance_version(api_version, NULL, 0, NULL, &instance) != VK_SUCCESS) {
      printf("  vkCreateInstance failed\n");
      return false;
   }
   VkPhysicalDevice physical[2];
   if (it_find_both_devices(instance, &physical[1], &physical[0]) != VK_SUCCESS)
      goto done;
   const char *enabled[sizeof(wanted_extensions) / sizeof(wanted_extensions[0])];
   uint32_t count = 0;
   for (uint32_t i = 0; extensions && i < sizeof(wanted_extensions) / sizeof(wanted_extensions[0]);
        i++) {
      if (it_device_has_extension(physical[0], wanted_extensions[i]) &&
          it_device_has_extension(physical[1], wanted_extensions[i]))
         enabled[count++] = wanted_extensions[i];
   }
   /* buffer device address and maintenance5 need their features only to be used, not to make
    * their commands available. */
   for (uint32_t s = 0; s < 2; s++) {
      if (it_create_device(physical[s], it_compute_family(physical[s]), NULL, NULL, enabled,
                           count, NULL, &devices[s]) != VK_SUCCESS) {
         printf("  vkCreateDevice failed on the %s\n", s ? "Kronos device" : "vendor device");
         goto done;
      }
   }
   printf("  instance %u.%u, %u extension(s):", VK_API_VERSION_MAJOR(api_version),
          VK_API_VERSION_MINOR(api_version), count);
   for (uint32_t i = 0; i < count; i++)
      printf(" %s", enabled[i]);
   printf("\n");
   ok = true;
   for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      bool vendor = vkGetDeviceProcAddr(devices[0], names[i].name) != NULL;
      bool kronos = vkGetDeviceProcAddr(devices[1], names[i].name) != NULL;
      bool expected = names[i].kronos_offers ? vendor : false;
      if (kronos != expected) {
         printf("  %s: the vendor %s it, Kronos %s it\n", names[i].name,
                vendor ? "offers" : "does not offer", kronos ? "offers" : "does not offer");
         ok = false;
      }
   }
done:
   for (uint32_t s = 0; s < 2; s++) {
      if (devices[s])
         vkDestroyDevice(devices[s], NULL);
   }
   vkDestroyInstance(instance, NULL);
   return ok;
}

static bool
test_names(void)
{
   static const uint32_t versions[] = {VK_API_VERSION_1_1, VK_API_VERSION_1_3,
                                       VK_MAKE_API_VERSION(0, 1, 4, 0)};
   bool ok = true;
   for (uint32_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
      for (int extensions = 0; extensions < 2; extensions++)
         ok = check_config(versions[v], extensions) && ok;
   }
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"device_proc_addr_names", test_names, false},
   };
   return IT_RUN_TESTS(tests);
}
