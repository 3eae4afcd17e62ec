/* SPDX-License-Identifier: MIT */
/* Kronos's settings, all read from the environment with secure_getenv (as the loader does). */
#ifndef KR_SETTINGS_H
#define KR_SETTINGS_H

#include <stdbool.h>

enum kr_setting {
   KR_SETTING_VENDOR_ICD, /* KRONOS_VENDOR_ICD: manifests or libraries, ':'-separated */
   KR_SETTING_VENDOR_LAYERS, /* KRONOS_VENDOR_LAYERS: layers between Kronos and the vendor
                              * driver, ':'- or ','-separated, nearest Kronos first */
   KR_SETTING_LOG,        /* KRONOS_LOG: none, error, warn (default), info, debug */
   KR_SETTING_STATS,      /* KRONOS_STATS: 1 prints each device's statistics when destroyed */
   KR_SETTING_DISABLE,    /* KRONOS_DISABLE: optimizations to switch off, ','-separated */
   KR_SETTING_VENDOR_MAX_ALLOCATIONS, /* KRONOS_VENDOR_MAX_ALLOCATIONS: cap on Kronos's own
                                       * live vendor allocations (below the vendor's limit) */
   KR_SETTING_VENDOR_MAX_ALLOCATION_SIZE, /* KRONOS_VENDOR_MAX_ALLOCATION_SIZE: vendor
                                           * allocations larger than this are refused as out
                                           * of device memory (for testing the fallbacks) */
   KR_SETTING_BATCH_LIMIT, /* KRONOS_BATCH_LIMIT: application submits per vendor submit */
   KR_SETTING_BATCH_TIME_BOUND_US, /* KRONOS_BATCH_TIME_BOUND_US: the longest a submit waits
                                    * in a batch before a background flush, in microseconds */
   KR_SETTING_WAIT_POLL_US, /* KRONOS_WAIT_POLL_US: how long a fence wait polls before it
                             * blocks in the vendor's wait, in microseconds */
   KR_SETTING_DESCRIPTOR_CACHE_SETS, /* KRONOS_DESCRIPTOR_CACHE_SETS: the most vendor sets the
                                      * descriptor cache keeps */
   KR_SETTING_BARRIER_DROP_ALL, /* KRONOS_BARRIER_DROP_ALL: 1 gives the vendor no barrier */
   KR_SETTING_BARRIER_REPLAY, /* KRONOS_BARRIER_REPLAY: 0 never replays recorded decisions */
   KR_SETTING_BARRIER_DEFER,  /* KRONOS_BARRIER_DEFER: 0 works out every command at once */
   KR_SETTING_PROFILE, /* KRONOS_PROFILE: the trace file of the GPU profiler (kr_profile.h) */
   KR_SETTING_PROFILE_SUMMARY, /* KRONOS_PROFILE_SUMMARY: 1 profiles, printing only the table */
};

/* The optimizations of the dispatch core, each switched off by its name in KRONOS_DISABLE
 * ("all" switches off every one). */
enum kr_optimization {
   KR_OPT_POOL,       /* "pool": the 3-pool memory allocator */
   KR_OPT_BATCH,      /* "batch": submit batching */
   KR_OPT_BARRIER,    /* "barrier": the barrier policy */
   KR_OPT_DESCRIPTOR, /* "descriptor": persistent descriptors */
   KR_OPT_COUNT
};

/* Whether KRONOS_DISABLE leaves the optimization on (read once per process). */
bool kr_optimization_enabled(enum kr_optimization optimization);

/* Parses a KRONOS_DISABLE value into a mask of disabled optimizations (1 << enum
 * kr_optimization); unknown names are reported through *unknown (the first one), else NULL. */
unsigned kr_parse_disable_list(const char *text, char *unknown, unsigned unknown_size);

/* Parses a setting's value as kr_setting_number reads it: a whole decimal number (strtoul's
 * syntax, so leading blanks and a sign are taken, and a value too large reads as ULONG_MAX).
 * False, *number untouched, for an empty string or one with anything after the number. */
bool kr_parse_number(const char *text, unsigned long *number);

/* A setting as an unsigned number (kr_parse_number), or fallback when unset or empty, or, with
 * a warning, when not a number. */
unsigned long kr_setting_number(enum kr_setting setting, unsigned long fallback);

/* The setting's value, or NULL when unset. */
const char *kr_setting(enum kr_setting setting);

/* Whether a setting is "1" (or another non-zero number). */
bool kr_setting_enabled(enum kr_setting setting);

/* The environment variable behind a setting. */
const char *kr_setting_name(enum kr_setting setting);

#endif
