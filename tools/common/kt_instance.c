/* SPDX-License-Identifier: MIT */
#include "kt_instance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_check.h"

#define KT_MIN_API_VERSION VK_API_VERSION_1_1
#define KT_MAX_API_VERSION VK_API_VERSION_1_3

static const char *
severity_name(VkDebugUtilsMessageSeverityFlagBitsEXT severity)
{
   if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)
      return "error";
   if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
      return "warning";
   if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT)
      return "info";
   return "verbose";
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                 VkDebugUtilsMessageTypeFlagsEXT types,
                 const VkDebugUtilsMessengerCallbackDataEXT *data, void *user_data)
{
   struct kt_instance *instance = user_data;
   bool validation = types & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
   if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
      if (validation)
         atomic_fetch_add(&instance->validation_errors, 1);
   } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
      if (validation)
         atomic_fetch_add(&instance->validation_warnings, 1);
   }
   const char *source = validation ? "validation"
                        : (types & VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT) ? "performance"
                                                                                   : "vulkan";
   fprintf(stderr, "[%s %s] %s: %s\n", source, severity_name(severity),
           data->pMessageIdName ? data->pMessageIdName : "(no id)",
           data->pMessage ? data->pMessage : "");
   return VK_FALSE; /* never abort the call */
}

static VkResult
find_layer(const char *name, bool *found)
{
   *found = false;
   uint32_t count = 0;
   VkResult result = vkEnumerateInstanceLayerProperties(&count, NULL);
   if (!kt_ok(result, "vkEnumerateInstanceLayerProperties"))
      return result;
   VkLayerProperties *layers = calloc(count ? count : 1, sizeof(*layers));
   if (!layers)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   result = vkEnumerateInstanceLayerProperties(&count, layers);
   if (result == VK_INCOMPLETE)
      result = VK_SUCCESS; /* a layer appeared in between: what we have is enough */
   if (kt_ok(result, "vkEnumerateInstanceLayerProperties")) {
      for (uint32_t i = 0; i < count && !*found; i++)
         *found = strcmp(layers[i].layerName, name) == 0;
   }
   free(layers);
   return result;
}

/* Whether `extension` is offered by the implementation or by `layer` (NULL: implementation). */
static VkResult
find_instance_extension(const char *layer, const char *extension, bool *found)
{
   *found = false;
   uint32_t count = 0;
   VkResult result = vkEnumerateInstanceExtensionProperties(layer, &count, NULL);
   if (!kt_ok(result, "vkEnumerateInstanceExtensionProperties"))
      return result;
   VkExtensionProperties *extensions = calloc(count ? count : 1, sizeof(*extensions));
   if (!extensions)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   result = vkEnumerateInstanceExtensionProperties(layer, &count, extensions);
   if (result == VK_INCOMPLETE)
      result = VK_SUCCESS;
   if (kt_ok(result, "vkEnumerateInstanceExtensionProperties")) {
      for (uint32_t i = 0; i < count && !*found; i++)
         *found = strcmp(extensions[i].extensionName, extension) == 0;
   }
   free(extensions);
   return result;
}

static VkResult
choose_api_version(uint32_t *api_version)
{
   uint32_t loader = volkGetInstanceVersion(); /* 1.0 when the loader predates 1.1 */
   if (loader < KT_MIN_API_VERSION) {
      kt_error("the Vulkan loader supports only Vulkan %u.%u; Vulkan 1.1 is needed",
               VK_API_VERSION_MAJOR(loader), VK_API_VERSION_MINOR(loader));
      return VK_ERROR_INCOMPATIBLE_DRIVER;
   }
   *api_version = loader < KT_MAX_API_VERSION ? loader : KT_MAX_API_VERSION;
   return VK_SUCCESS;
}

/* Checks that the validation layer and VK_EXT_debug_utils (from the loader or the layer) are
 * there, and whether the layer offers VK_EXT_validation_features. */
static VkResult
check_validation_support(bool *validation_features)
{
   bool found = false;
   VkResult result = find_layer(KT_VALIDATION_LAYER, &found);
   if (result != VK_SUCCESS)
      return result;
   if (!found) {
      kt_error("validation was requested but %s is not installed (Debian: vulkan-validationlayers; "
               "or point VK_LAYER_PATH at its manifest folder)", KT_VALIDATION_LAYER);
      return VK_ERROR_LAYER_NOT_PRESENT;
   }
   result = find_instance_extension(NULL, VK_EXT_DEBUG_UTILS_EXTENSION_NAME, &found);
   if (result == VK_SUCCESS && !found)
      result = find_instance_extension(KT_VALIDATION_LAYER, VK_EXT_DEBUG_UTILS_EXTENSION_NAME,
                                       &found);
   if (result != VK_SUCCESS)
      return result;
   if (!found) {
      kt_error("validation was requested but %s is not offered", VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
      return VK_ERROR_EXTENSION_NOT_PRESENT;
   }
   return find_instance_extension(KT_VALIDATION_LAYER, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME,
                                  validation_features);
}

VkResult
kt_instance_create(const struct kt_instance_options *options, struct kt_instance **out)
{
   *out = NULL;
   struct kt_instance *instance = NULL;
   VkResult result = volkInitialize();
   if (result != VK_SUCCESS) {
      kt_error("cannot load the Vulkan loader (libvulkan.so.1): %s", kt_result_name(result));
      return result;
   }

   instance = calloc(1, sizeof(*instance));
   if (!instance) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      kt_error("out of memory");
      goto cleanup;
   }
   atomic_init(&instance->validation_errors, 0);
   atomic_init(&instance->validation_warnings, 0);
   instance->validation = options->validation || options->synchronization_validation;

   result = choose_api_version(&instance->api_version);
   if (result != VK_SUCCESS)
      goto cleanup;

   bool validation_features = false;
   if (instance->validation) {
      result = check_validation_support(&validation_features);
      if (result != VK_SUCCESS)
         goto cleanup;
   }
   bool sync_validation = options->synchronization_validation;
   if (sync_validation && !validation_features) {
      kt_error("synchronization validation was requested but %s does not offer %s",
               KT_VALIDATION_LAYER, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
      result = VK_ERROR_EXTENSION_NOT_PRESENT;
      goto cleanup;
   }

   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = options->application_name,
      .applicationVersion = 1,
      .pEngineName = "kronos-tools",
      .engineVersion = 1,
      .apiVersion = instance->api_version,
   };
   /* Chained into VkInstanceCreateInfo too, so that instance creation and destruction are
    * validated as well. */
   VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
      .pfnUserCallback = on_debug_message,
      .pUserData = instance,
   };
   const VkValidationFeatureEnableEXT enables[] = {
      VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT,
   };
   VkValidationFeaturesEXT features = {
      .sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
      .pNext = &messenger_info,
      .enabledValidationFeatureCount = sizeof(enables) / sizeof(enables[0]),
      .pEnabledValidationFeatures = enables,
   };
   const char *layers[] = {KT_VALIDATION_LAYER};
   const char *extensions[2];
   uint32_t extension_count = 0;
   if (instance->validation)
      extensions[extension_count++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
   if (sync_validation)
      extensions[extension_count++] = VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME;
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pNext = !instance->validation ? NULL
               : sync_validation     ? (const void *)&features
                                     : (const void *)&messenger_info,
      .pApplicationInfo = &app,
      .enabledLayerCount = instance->validation ? 1 : 0,
      .ppEnabledLayerNames = layers,
      .enabledExtensionCount = extension_count,
      .ppEnabledExtensionNames = extensions,
   };
   result = vkCreateInstance(&info, NULL, &instance->handle);
   if (result != VK_SUCCESS)
      instance->handle = VK_NULL_HANDLE;
   if (result == VK_ERROR_INCOMPATIBLE_DRIVER) {
      kt_error("vkCreateInstance: no Vulkan driver found (VK_ERROR_INCOMPATIBLE_DRIVER); check "
               "VK_DRIVER_FILES");
      goto cleanup;
   }
   if (!kt_ok(result, "vkCreateInstance"))
      goto cleanup;
   volkLoadInstanceOnly(instance->handle);

   if (instance->validation) {
      result = vkCreateDebugUtilsMessengerEXT(instance->handle, &messenger_info, NULL,
                                              &instance->messenger);
      if (!kt_ok(result, "vkCreateDebugUtilsMessengerEXT"))
         goto cleanup;
   }
   *out = instance;
   return VK_SUCCESS;

cleanup:
   kt_instance_destroy(instance);
   return result;
}

unsigned
kt_instance_destroy(struct kt_instance *instance)
{
   if (!instance)
      return 0;
   if (instance->messenger != VK_NULL_HANDLE)
      vkDestroyDebugUtilsMessengerEXT(instance->handle, instance->messenger, NULL);
   /* The messenger chained at creation still reports what vkDestroyInstance finds. */
   if (instance->handle != VK_NULL_HANDLE)
      vkDestroyInstance(instance->handle, NULL);
   unsigned errors = atomic_load(&instance->validation_errors);
   free(instance);
   return errors;
}

unsigned
kt_instance_validation_errors(const struct kt_instance *instance)
{
   return atomic_load(&instance->validation_errors);
}
