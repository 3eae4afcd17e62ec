/* SPDX-License-Identifier: MIT */
#include "kt_check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

const char *
kt_result_name(VkResult result)
{
   switch (result) {
#define KT_CASE(name) case name: return #name
   KT_CASE(VK_SUCCESS);
   KT_CASE(VK_NOT_READY);
   KT_CASE(VK_TIMEOUT);
   KT_CASE(VK_EVENT_SET);
   KT_CASE(VK_EVENT_RESET);
   KT_CASE(VK_INCOMPLETE);
   KT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY);
   KT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY);
   KT_CASE(VK_ERROR_INITIALIZATION_FAILED);
   KT_CASE(VK_ERROR_DEVICE_LOST);
   KT_CASE(VK_ERROR_MEMORY_MAP_FAILED);
   KT_CASE(VK_ERROR_LAYER_NOT_PRESENT);
   KT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT);
   KT_CASE(VK_ERROR_FEATURE_NOT_PRESENT);
   KT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER);
   KT_CASE(VK_ERROR_TOO_MANY_OBJECTS);
   KT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED);
   KT_CASE(VK_ERROR_FRAGMENTED_POOL);
   KT_CASE(VK_ERROR_UNKNOWN);
   KT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY);
   KT_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE);
   KT_CASE(VK_ERROR_FRAGMENTATION);
   KT_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS);
   KT_CASE(VK_PIPELINE_COMPILE_REQUIRED);
   KT_CASE(VK_ERROR_VALIDATION_FAILED_EXT);
#undef KT_CASE
   default:
      break;
   }
   static _Thread_local char unknown[32];
   snprintf(unknown, sizeof(unknown), "VkResult(%d)", (int)result);
   return unknown;
}

bool
kt_ok(VkResult result, const char *what)
{
   if (result == VK_SUCCESS)
      return true;
   fprintf(stderr, "%s: %s failed: %s\n", program_invocation_short_name, what,
           kt_result_name(result));
   return false;
}

void
kt_error(const char *format, ...)
{
   char message[1024];
   va_list args;
   va_start(args, format);
   vsnprintf(message, sizeof(message), format, args);
   va_end(args);
   fprintf(stderr, "%s: %s\n", program_invocation_short_name, message);
}
