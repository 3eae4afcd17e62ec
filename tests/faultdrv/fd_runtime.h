/* SPDX-License-Identifier: MIT */
/* The fault-injecting test driver's runtime: its settings (from the environment), the vendor
 * driver under it, and the per-command state the generated wrappers use (fd_commands.h). */
#ifndef FD_RUNTIME_H
#define FD_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

#include "fd_commands.h"

#define FD_PREFIX "kronos-faultdrv: "
#define FD_MAX_NULLS 32

struct fd_settings {
   bool fault;                /* KRONOS_FAULT_FUNCTION names a command */
   enum fd_command command;   /* the command to fail */
   uint64_t nth;              /* KRONOS_FAULT_NTH: its first call to fail, from 1 */
   uint64_t times;            /* KRONOS_FAULT_TIMES: calls to fail from the Nth; 0: all */
   VkResult result;           /* KRONOS_FAULT_RESULT */
   uint32_t null_count;       /* KRONOS_FAULT_NULL: names the proc-addr answers NULL for */
   char *nulls[FD_MAX_NULLS];
   const char *counts_path;   /* KRONOS_FAULT_COUNTS: where the counts go at exit */
   const char *vendor;        /* KRONOS_FAULT_VENDOR: manifest or library */
};

/* Reads the settings and loads the vendor, once; false (said on stderr) when either failed. */
bool fd_init(void);

extern struct fd_settings fd_settings;

/* Parses the environment into *settings; false, said on stderr, on a bad value. */
bool fd_settings_parse(struct fd_settings *settings);

/* Whether the proc-addr functions must answer NULL for this name (or its command's). */
bool fd_settings_nulled(const struct fd_settings *settings, const char *name);

/* The vendor driver: dlopen'ed from a manifest or a library and negotiated with. */
struct fd_vendor {
   void *library;
   PFN_vkGetInstanceProcAddr gipa;
   PFN_vk_icdGetPhysicalDeviceProcAddr gpdpa; /* may be NULL */
   PFN_vk_icdNegotiateLoaderICDInterfaceVersion negotiate; /* may be NULL */
};

bool fd_vendor_load(const char *path, struct fd_vendor *vendor);

extern struct fd_vendor fd_vendor;

/* Writes "name count kind errors" for every command called at least once (kind: VkResult, void
 * or other, what it returns; errors: those vk.xml says it may return, ','-separated, or "-") to
 * path; false, said on stderr, when it cannot. */
bool fd_counts_write(const char *path);

/* A call of the command: counted; whether it is one to fail (*fault: the result). */
bool fd_call(enum fd_command command, VkResult *fault);

/* Remembers the vendor's function for a command (the first one given). */
void fd_set_real(enum fd_command command, PFN_vkVoidFunction real);

#endif
