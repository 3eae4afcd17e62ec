/* SPDX-License-Identifier: MIT */
/* The fault driver's settings, from the environment:
 *   KRONOS_FAULT_FUNCTION  a VkResult command (name or alias) whose calls may fail
 *   KRONOS_FAULT_NTH       its first call to fail, counted from 1 (default 1)
 *   KRONOS_FAULT_TIMES     how many calls fail from the Nth (default 1; 0: every one)
 *   KRONOS_FAULT_RESULT    the result they answer: a VkResult name or a number
 *                          (default VK_ERROR_OUT_OF_HOST_MEMORY)
 *   KRONOS_FAULT_NULL      ','-separated names the proc-addr functions answer NULL for
 *   KRONOS_FAULT_COUNTS    a file that gets every command's call count at exit
 *   KRONOS_FAULT_VENDOR    the driver under it: a manifest (*.json) or a library
 *                          (default: lavapipe's manifest, FD_DEFAULT_VENDOR)
 * Commands that return void (or anything but a VkResult) cannot answer a failure: naming one
 * in KRONOS_FAULT_FUNCTION is an error (the driver then fails to load); KRONOS_FAULT_NULL is
 * the way to fail them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd_runtime.h"

static bool
parse_count(const char *var, uint64_t fallback, uint64_t *out)
{
   const char *value = getenv(var);
   if (!value || !*value) {
      *out = fallback;
      return true;
   }
   char *end = NULL;
   errno = 0;
   unsigned long long n = strtoull(value, &end, 10);
   if (errno || *end || *value == '-') {
      fprintf(stderr, FD_PREFIX "%s=%s: not a number\n", var, value);
      return false;
   }
   *out = n;
   return true;
}

static bool
parse_result(VkResult *out)
{
   const char *value = getenv("KRONOS_FAULT_RESULT");
   *out = VK_ERROR_OUT_OF_HOST_MEMORY;
   if (!value || !*value)
      return true;
   if (fd_result_value(value, out))
      return true;
   char *end = NULL;
   errno = 0;
   long n = strtol(value, &end, 10);
   if (errno || *end || n < INT32_MIN || n > INT32_MAX) {
      fprintf(stderr, FD_PREFIX "KRONOS_FAULT_RESULT=%s: not a VkResult\n", value);
      return false;
   }
   *out = (VkResult)n;
   return true;
}

static bool
parse_nulls(struct fd_settings *settings)
{
   const char *value = getenv("KRONOS_FAULT_NULL");
   if (!value || !*value)
      return true;
   char *copy = strdup(value);
   if (!copy)
      return false;
   bool ok = true;
   char *save = NULL;
   for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
      if (settings->null_count == FD_MAX_NULLS) {
         fprintf(stderr, FD_PREFIX "KRONOS_FAULT_NULL: more than %d names\n", FD_MAX_NULLS);
         ok = false;
         break;
      }
      settings->nulls[settings->null_count] = strdup(name);
      if (!settings->nulls[settings->null_count]) {
         ok = false;
         break;
      }
      settings->null_count++;
   }
   free(copy);
   return ok;
}

bool
fd_settings_parse(struct fd_settings *settings)
{
   memset(settings, 0, sizeof(*settings));
   settings->counts_path = getenv("KRONOS_FAULT_COUNTS");
   settings->vendor = getenv("KRONOS_FAULT_VENDOR");
   if (!settings->vendor || !*settings->vendor)
      settings->vendor = FD_DEFAULT_VENDOR;

   const char *function = getenv("KRONOS_FAULT_FUNCTION");
   if (function && *function) {
      const struct fd_entry *entry = fd_entry_find(function);
      if (!entry) {
         fprintf(stderr, FD_PREFIX "KRONOS_FAULT_FUNCTION=%s: no such command\n", function);
         return false;
      }
      if (entry->returns != FD_RETURNS_RESULT) {
         fprintf(stderr, FD_PREFIX "KRONOS_FAULT_FUNCTION=%s: it returns no VkResult "
                 "(KRONOS_FAULT_NULL can fail it)\n", function);
         return false;
      }
      settings->fault = true;
      settings->command = entry->command;
   }
   if (!parse_count("KRONOS_FAULT_NTH", 1, &settings->nth) ||
       !parse_count("KRONOS_FAULT_TIMES", 1, &settings->times) || !parse_result(&settings->result))
      return false;
   if (settings->nth == 0) {
      fprintf(stderr, FD_PREFIX "KRONOS_FAULT_NTH counts from 1\n");
      return false;
   }
   return parse_nulls(settings);
}

bool
fd_settings_nulled(const struct fd_settings *settings, const char *name)
{
   const struct fd_entry *entry = fd_entry_find(name);
   for (uint32_t i = 0; i < settings->null_count; i++) {
      if (strcmp(settings->nulls[i], name) == 0)
         return true;
      const struct fd_entry *other = entry ? fd_entry_find(settings->nulls[i]) : NULL;
      if (other && other->command == entry->command)
         return true;
   }
   return false;
}
