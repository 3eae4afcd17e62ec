/* SPDX-License-Identifier: MIT */
/* Kronos's settings, all read from the environment with secure_getenv (as the loader does). */
#ifndef KR_SETTINGS_H
#define KR_SETTINGS_H

enum kr_setting {
   KR_SETTING_VENDOR_ICD, /* KRONOS_VENDOR_ICD: manifests or libraries, ':'-separated */
   KR_SETTING_LOG,        /* KRONOS_LOG: none, error, warn (default), info, debug */
};

/* The setting's value, or NULL when unset. */
const char *kr_setting(enum kr_setting setting);

/* The environment variable behind a setting. */
const char *kr_setting_name(enum kr_setting setting);

#endif
