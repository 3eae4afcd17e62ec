/* SPDX-License-Identifier: MIT */
/* KRONOS_VENDOR_LAYERS naming a layer that cannot be used (vendor_layers.sh sets up each case):
 * Kronos's vkCreateInstance must fail with exactly VK_ERROR_LAYER_NOT_PRESENT. The loader turns
 * a driver's failure into its own result, so Kronos is loaded here as the loader loads a driver:
 * dlopen, vk_icdNegotiateLoaderICDInterfaceVersion, vk_icdGetInstanceProcAddr.
 * Usage: vendor_layers_error KRONOS_LIBRARY */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

int
main(int argc, char **argv)
{
   if (argc != 2) {
      fprintf(stderr, "usage: %s KRONOS_LIBRARY\n", argv[0]);
      return 2;
   }
   int status = 1;
   void *kronos = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
   if (!kronos) {
      fprintf(stderr, "FAIL: cannot load %s: %s\n", argv[1], dlerror());
      return 1;
   }
   PFN_vk_icdNegotiateLoaderICDInterfaceVersion negotiate =
      (PFN_vk_icdNegotiateLoaderICDInterfaceVersion)dlsym(
         kronos, "vk_icdNegotiateLoaderICDInterfaceVersion");
   PFN_vkGetInstanceProcAddr gipa =
      (PFN_vkGetInstanceProcAddr)dlsym(kronos, "vk_icdGetInstanceProcAddr");
   uint32_t version = 7;
   if (!negotiate || !gipa || negotiate(&version) != VK_SUCCESS) {
      fprintf(stderr, "FAIL: %s is not a driver Kronos's way\n", argv[1]);
      goto done;
   }
   PFN_vkCreateInstance create = (PFN_vkCreateInstance)gipa(VK_NULL_HANDLE, "vkCreateInstance");
   PFN_vkDestroyInstance destroy =
      (PFN_vkDestroyInstance)gipa(VK_NULL_HANDLE, "vkDestroyInstance");
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .apiVersion = VK_API_VERSION_1_3,
   };
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
   };
   VkInstance instance = VK_NULL_HANDLE;
   VkResult result = create(&info, NULL, &instance);
   printf("Kronos's vkCreateInstance: %d\n", result);
   if (result == VK_SUCCESS) {
      fprintf(stderr, "FAIL: vkCreateInstance succeeded\n");
      if (destroy)
         destroy(instance, NULL);
   } else if (result != VK_ERROR_LAYER_NOT_PRESENT) {
      fprintf(stderr, "FAIL: %d is not VK_ERROR_LAYER_NOT_PRESENT (%d)\n", result,
              VK_ERROR_LAYER_NOT_PRESENT);
   } else {
      status = 0;
   }
done:
   dlclose(kronos);
   return status;
}
