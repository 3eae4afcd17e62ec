/* SPDX-License-Identifier: MIT */
/* Kronos's settings, all read from the environment with secure_getenv (as the loader does). */
#ifndef KR_SETTINGS_H
#define KR_SETTINGS_H

#include <stdbool.h>

enum kr_setting {
   KR_SETTING_VENDOR_ICD, /* KRONOS_VENDOR_ICD: manifests or libraries, ':'-separated */
   KR_SETTING_LOG,        /* KRONOS_LOG: none, error, warn (default), info, debug */
   KR_SETTING_STATS,      /* KRONOS_STATS: 1 prints each device's statistics when destroyed */
};

/* The setting's value, or NULL when unset. */
const char *kr_setting(enum kr_setting setting);

/* Whether a setting is "1" (or another non-zero number). */
bool kr_setting_enabled(enum kr_setting setting);

/* The environment variable behind a setting. */
const char *kr_setting_name(enum kr_setting setting);

#endif
