/* SPDX-License-Identifier: MIT */
#include "kt_system.h"

#include <stdlib.h>
#include <string.h>

#include "kt_check.h"

VkResult
kt_system_create(const char *application_name, bool validation,
                 bool synchronization_validation, struct kt_system *out)
{
   memset(out, 0, sizeof(*out));
   const struct kt_instance_options options = {
      .application_name = application_name,
      .validation = validation,
      .synchronization_validation = synchronization_validation,
   };
   VkResult result = kt_instance_create(&options, &out->instance);
   if (result != VK_SUCCESS)
      return result;
   result = kt_physical_devices_list(out->instance, &out->devices, &out->device_count);
   if (result != VK_SUCCESS)
      return result;
   out->pairs = calloc(out->device_count ? out->device_count : 1, sizeof(*out->pairs));
   if (!out->pairs) {
      kt_error("out of memory");
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   kt_physical_devices_pair(out->devices, out->device_count, out->pairs, &out->pair_count);
   return VK_SUCCESS;
}

unsigned
kt_system_destroy(struct kt_system *system)
{
   free(system->pairs);
   free(system->devices);
   unsigned validation_errors = kt_instance_destroy(system->instance);
   memset(system, 0, sizeof(*system));
   return validation_errors;
}

const struct kt_device_pair *
kt_system_find_pair(const struct kt_system *system, const char *filter)
{
   for (uint32_t i = 0; i < system->pair_count; i++) {
      const struct kt_device_pair *pair = &system->pairs[i];
      if (!pair->vendor)
         continue;
      if (filter && !strstr(pair->vendor->properties.deviceName, filter))
         continue;
      return pair;
   }
   return NULL;
}
