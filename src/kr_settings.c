/* SPDX-License-Identifier: MIT */
#include "kr_settings.h"

#include <stdbool.h>
#include <stdlib.h>

#include "kronos/kronos.h"

static const char *const setting_names[] = {
   [KR_SETTING_VENDOR_ICD] = KRONOS_ENV_VENDOR_ICD,
   [KR_SETTING_LOG] = KRONOS_ENV_LOG,
   [KR_SETTING_STATS] = KRONOS_ENV_STATS,
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
