/* SPDX-License-Identifier: MIT */
#include "kr_settings.h"

#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_log.h"
#include "kronos/kronos.h"

static const char *const setting_names[] = {
   [KR_SETTING_VENDOR_ICD] = KRONOS_ENV_VENDOR_ICD,
   [KR_SETTING_VENDOR_LAYERS] = KRONOS_ENV_VENDOR_LAYERS,
   [KR_SETTING_LOG] = KRONOS_ENV_LOG,
   [KR_SETTING_STATS] = KRONOS_ENV_STATS,
   [KR_SETTING_DISABLE] = KRONOS_ENV_DISABLE,
   [KR_SETTING_VENDOR_MAX_ALLOCATIONS] = KRONOS_ENV_VENDOR_MAX_ALLOCATIONS,
   [KR_SETTING_VENDOR_MAX_ALLOCATION_SIZE] = KRONOS_ENV_VENDOR_MAX_ALLOCATION_SIZE,
   [KR_SETTING_BATCH_LIMIT] = KRONOS_ENV_BATCH_LIMIT,
   [KR_SETTING_BATCH_TIME_BOUND_US] = KRONOS_ENV_BATCH_TIME_BOUND_US,
   [KR_SETTING_WAIT_POLL_US] = KRONOS_ENV_WAIT_POLL_US,
   [KR_SETTING_DESCRIPTOR_CACHE_SETS] = KRONOS_ENV_DESCRIPTOR_CACHE_SETS,
   [KR_SETTING_BARRIER_DROP_ALL] = KRONOS_ENV_BARRIER_DROP_ALL,
   [KR_SETTING_BARRIER_REPLAY] = KRONOS_ENV_BARRIER_REPLAY,
   [KR_SETTING_BARRIER_DEFER] = KRONOS_ENV_BARRIER_DEFER,
   [KR_SETTING_PROFILE] = KRONOS_ENV_PROFILE,
   [KR_SETTING_PROFILE_SUMMARY] = KRONOS_ENV_PROFILE_SUMMARY,
};

const char *
kr_setting_name(enum kr_setting setting)
{
   return setting_names[setting];
}

const char *
kr_setting(enum kr_setting setting)
{
   /* secure_getenv: a setuid program must not be steered to another library. */
   return secure_getenv(setting_names[setting]);
}

bool
kr_setting_enabled(enum kr_setting setting)
{
   const char *value = kr_setting(setting);
   return value && strtol(value, NULL, 10) != 0;
}

bool
kr_parse_number(const char *text, unsigned long *number)
{
   if (!*text)
      return false;
   char *end;
   unsigned long value = strtoul(text, &end, 10);
   if (*end)
      return false;
   *number = value;
   return true;
}

unsigned long
kr_setting_number(enum kr_setting setting, unsigned long fallback)
{
   const char *value = kr_setting(setting);
   if (!value || !*value)
      return fallback;
   unsigned long number;
   if (!kr_parse_number(value, &number)) {
      kr_warn("%s=%s is not a number: ignored", setting_names[setting], value);
      return fallback;
   }
   return number;
}

static const char *const optimization_names[KR_OPT_COUNT] = {
   [KR_OPT_POOL] = "pool",
   [KR_OPT_BATCH] = "batch",
   [KR_OPT_BARRIER] = "barrier",
   [KR_OPT_DESCRIPTOR] = "descriptor",
};

unsigned
kr_parse_disable_list(const char *text, char *unknown, unsigned unknown_size)
{
   unsigned mask = 0;
   if (unknown_size)
      unknown[0] = '\0';
   while (text && *text) {
      size_t len = strcspn(text, ", ");
      bool known = false;
      if (len == 3 && strncmp(text, "all", 3) == 0) {
         mask = (1u << KR_OPT_COUNT) - 1;
         known = true;
      }
      for (unsigned i = 0; i < KR_OPT_COUNT && !known; i++) {
         const char *name = optimization_names[i];
         if (strlen(name) == len && strncmp(text, name, len) == 0) {
            mask |= 1u << i;
            known = true;
         }
      }
      if (!known && len && unknown_size && !unknown[0])
         snprintf(unknown, unknown_size, "%.*s", (int)len, text);
      text += len;
      text += strspn(text, ", ");
   }
   return mask;
}

static unsigned disabled_mask;
static pthread_once_t disabled_once = PTHREAD_ONCE_INIT;

static void
read_disabled(void)
{
   char unknown[64];
   disabled_mask = kr_parse_disable_list(kr_setting(KR_SETTING_DISABLE), unknown,
                                         sizeof(unknown));
   if (unknown[0])
      kr_warn("KRONOS_DISABLE: unknown optimization '%s' (known: pool, batch, barrier, "
              "descriptor, all)", unknown);
}

bool
kr_optimization_enabled(enum kr_optimization optimization)
{
   pthread_once(&disabled_once, read_disabled);
   return !(disabled_mask & (1u << optimization));
}
