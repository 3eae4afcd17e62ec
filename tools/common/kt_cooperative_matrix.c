/* SPDX-License-Identifier: MIT */
#include "kt_cooperative_matrix.h"

#include <stdlib.h>
#include <string.h>

#ifdef VK_KHR_cooperative_matrix

static bool
has_extension(VkPhysicalDevice device, const char *name)
{
   uint32_t count = 0;
   if (vkEnumerateDeviceExtensionProperties(device, NULL, &count, NULL) != VK_SUCCESS)
      return false;
   VkExtensionProperties *list = calloc(count ? count : 1, sizeof(*list));
   if (!list)
      return false;
   bool found = false;
   if (vkEnumerateDeviceExtensionProperties(device, NULL, &count, list) == VK_SUCCESS) {
      for (uint32_t i = 0; i < count && !found; i++)
         found = strcmp(list[i].extensionName, name) == 0;
   }
   free(list);
   return found;
}

const char *
kt_cooperative_matrix_unsupported(const struct kt_physical_device *physical)
{
   if (physical->properties.apiVersion < VK_API_VERSION_1_2)
      return "the device is older than Vulkan 1.2";
   if (!has_extension(physical->handle, VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME))
      return "the device does not offer VK_KHR_cooperative_matrix";
   struct kt_cooperative_matrix_features f;
   memset(&f, 0, sizeof(f));
   f.matrix.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_KHR;
   f.v12 = (VkPhysicalDeviceVulkan12Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, .pNext = &f.matrix};
   f.v11 = (VkPhysicalDeviceVulkan11Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, .pNext = &f.v12};
   VkPhysicalDeviceFeatures2 features = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                         .pNext = &f.v11};
   vkGetPhysicalDeviceFeatures2(physical->handle, &features);
   if (!f.matrix.cooperativeMatrix)
      return "cooperativeMatrix is not supported";
   if (!f.v12.shaderFloat16)
      return "shaderFloat16 is not supported";
   if (!f.v11.storageBuffer16BitAccess)
      return "storageBuffer16BitAccess is not supported";
   return NULL;
}

void *
kt_cooperative_matrix_features(struct kt_cooperative_matrix_features *f, void *next)
{
   memset(f, 0, sizeof(*f));
   f->matrix = (VkPhysicalDeviceCooperativeMatrixFeaturesKHR){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_KHR,
      .pNext = next,
      .cooperativeMatrix = VK_TRUE,
   };
   f->v12 = (VkPhysicalDeviceVulkan12Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &f->matrix,
      .shaderFloat16 = VK_TRUE,
   };
   f->v11 = (VkPhysicalDeviceVulkan11Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
      .pNext = &f->v12,
      .storageBuffer16BitAccess = VK_TRUE,
   };
   return &f->v11;
}

const char *
kt_cooperative_matrix_shape_missing(const struct kt_physical_device *physical, uint32_t m,
                                    uint32_t n, uint32_t k, uint32_t subgroup_size)
{
   VkPhysicalDeviceSubgroupProperties subgroup = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
   VkPhysicalDeviceProperties2 properties = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                             .pNext = &subgroup};
   vkGetPhysicalDeviceProperties2(physical->handle, &properties);
   if (subgroup.subgroupSize != subgroup_size)
      return "the device's subgroups are not of the kernel's size";
   /* volk 1.3.239 predates the command: asked of the loader by name. */
   PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR get =
      (PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR)vkGetInstanceProcAddr(
         volkGetLoadedInstance(), "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
   if (!get)
      return "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR is missing";
   uint32_t count = 0;
   if (get(physical->handle, &count, NULL) != VK_SUCCESS || count == 0)
      return "the device lists no cooperative-matrix shape";
   VkCooperativeMatrixPropertiesKHR *shapes = calloc(count, sizeof(*shapes));
   if (!shapes)
      return "out of host memory";
   for (uint32_t i = 0; i < count; i++)
      shapes[i].sType = VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_KHR;
   const char *why = "the device does not list the shape";
   if (get(physical->handle, &count, shapes) == VK_SUCCESS) {
      for (uint32_t i = 0; i < count; i++) {
         const VkCooperativeMatrixPropertiesKHR *s = &shapes[i];
         if (s->MSize == m && s->NSize == n && s->KSize == k &&
             s->AType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
             s->BType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
             s->CType == VK_COMPONENT_TYPE_FLOAT32_KHR &&
             s->ResultType == VK_COMPONENT_TYPE_FLOAT32_KHR && !s->saturatingAccumulation &&
             s->scope == VK_SCOPE_SUBGROUP_KHR) {
            why = NULL;
            break;
         }
      }
   }
   free(shapes);
   return why;
}

#else

const char *
kt_cooperative_matrix_unsupported(const struct kt_physical_device *physical)
{
   (void)physical;
   return "built with Vulkan headers that predate VK_KHR_cooperative_matrix "
          "(README \"Vulkan headers\")";
}

void *
kt_cooperative_matrix_features(struct kt_cooperative_matrix_features *f, void *next)
{
   (void)f;
   return next;
}

const char *
kt_cooperative_matrix_shape_missing(const struct kt_physical_device *physical, uint32_t m,
                                    uint32_t n, uint32_t k, uint32_t subgroup_size)
{
   (void)m;
   (void)n;
   (void)k;
   (void)subgroup_size;
   return kt_cooperative_matrix_unsupported(physical);
}

#endif
