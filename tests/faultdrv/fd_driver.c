/* SPDX-License-Identifier: MIT */
/* A Vulkan driver for tests that forwards every call to another driver (lavapipe by default)
 * and fails the calls it is told to (fd_settings.c lists the environment variables). It hands
 * out the vendor's own handles: its dispatchable objects keep the loader-data word the vendor
 * gave them, which the layer above (the loader, or Kronos) may set as with any driver. The
 * functions it hands out are wrappers (generated: fd_commands.c) that count every call. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd_runtime.h"

#define FD_INTERFACE_VERSION 7

struct fd_settings fd_settings;
struct fd_vendor fd_vendor;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool init_ok;
static atomic_uint_fast64_t counts[FD_COMMAND_COUNT];
static _Atomic(PFN_vkVoidFunction) reals[FD_COMMAND_COUNT];
static _Atomic(PFN_vkGetDeviceProcAddr) vendor_gdpa;

static void
write_counts(void)
{
   if (fd_settings.counts_path && *fd_settings.counts_path)
      fd_counts_write(fd_settings.counts_path);
}

static void
init(void)
{
   init_ok = fd_settings_parse(&fd_settings) && fd_vendor_load(fd_settings.vendor, &fd_vendor);
   if (init_ok)
      atexit(write_counts);
}

bool
fd_init(void)
{
   pthread_once(&init_once, init);
   return init_ok;
}

/* The command last entered on this thread: the fault sweep names the vendor's host allocations
 * by the command they were made in (tests/faults/fault_program.c looks this up). */
static _Thread_local const char *current_command;

__attribute__((visibility("default"))) const char *kronos_faultdrv_current_command(void);

const char *
kronos_faultdrv_current_command(void)
{
   return current_command;
}

bool
fd_call(enum fd_command command, VkResult *fault)
{
   current_command = fd_command_names[command];
   uint64_t n = atomic_fetch_add_explicit(&counts[command], 1, memory_order_relaxed) + 1;
   const struct fd_settings *s = &fd_settings;
   if (!fault || !s->fault || s->command != command || n < s->nth ||
       (s->times && n - s->nth >= s->times))
      return false;
   fprintf(stderr, FD_PREFIX "injected %d into call %llu of %s\n", s->result,
           (unsigned long long)n, fd_command_names[command]);
   *fault = s->result;
   return true;
}

PFN_vkVoidFunction
fd_real(enum fd_command command)
{
   return atomic_load_explicit(&reals[command], memory_order_acquire);
}

void
fd_set_real(enum fd_command command, PFN_vkVoidFunction real)
{
   /* The vendor may answer other addresses for one command (a trampoline from its
    * vkGetInstanceProcAddr, the device's own function from vkGetDeviceProcAddr); any of them
    * serves every object of this one vendor, so the first is kept. */
   PFN_vkVoidFunction expected = NULL;
   atomic_compare_exchange_strong(&reals[command], &expected, real);
}

bool
fd_counts_write(const char *path)
{
   static const char *const kinds[] = {"VkResult", "void", "other"};
   FILE *file = fopen(path, "w");
   if (!file) {
      fprintf(stderr, FD_PREFIX "cannot write %s\n", path);
      return false;
   }
   for (uint32_t i = 0; i < FD_COMMAND_COUNT; i++) {
      uint64_t n = atomic_load(&counts[i]);
      if (n)
         fprintf(file, "%s %llu %s %s\n", fd_command_names[i], (unsigned long long)n,
                 kinds[fd_entry_find(fd_command_names[i])->returns],
                 fd_command_errors[i][0] ? fd_command_errors[i] : "-");
   }
   return fclose(file) == 0;
}

/* What a proc-addr function answers for the vendor's answer real: the wrapper, when there is
 * one (else the vendor's function itself: a command the registry does not know). */
static PFN_vkVoidFunction
wrap(const char *name, PFN_vkVoidFunction real)
{
   if (!real || fd_settings_nulled(&fd_settings, name))
      return NULL;
   const struct fd_entry *entry = fd_entry_find(name);
   if (!entry)
      return real;
   fd_set_real(entry->command, real);
   return entry->wrapper;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL fd_GetDeviceProcAddr(VkDevice device,
                                                                     const char *name);

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
fd_GetInstanceProcAddr(VkInstance instance, const char *name)
{
   if (!fd_init() || !name)
      return NULL;
   if (strcmp(name, "vkGetInstanceProcAddr") == 0)
      return (PFN_vkVoidFunction)fd_GetInstanceProcAddr;
   if (strcmp(name, "vkGetDeviceProcAddr") == 0) {
      PFN_vkVoidFunction real = fd_vendor.gipa(instance, name);
      if (!real || fd_settings_nulled(&fd_settings, name))
         return NULL;
      PFN_vkGetDeviceProcAddr expected = NULL;
      atomic_compare_exchange_strong(&vendor_gdpa, &expected, (PFN_vkGetDeviceProcAddr)real);
      return (PFN_vkVoidFunction)fd_GetDeviceProcAddr;
   }
   return wrap(name, fd_vendor.gipa(instance, name));
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
fd_GetDeviceProcAddr(VkDevice device, const char *name)
{
   PFN_vkGetDeviceProcAddr gdpa = atomic_load(&vendor_gdpa);
   if (!name || !gdpa)
      return NULL;
   if (strcmp(name, "vkGetDeviceProcAddr") == 0)
      return fd_settings_nulled(&fd_settings, name) ? NULL
                                                    : (PFN_vkVoidFunction)fd_GetDeviceProcAddr;
   return wrap(name, gdpa(device, name));
}

VKAPI_ATTR __attribute__((visibility("default"))) VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t *pSupportedVersion)
{
   if (!fd_init())
      return VK_ERROR_INCOMPATIBLE_DRIVER;
   uint32_t version = *pSupportedVersion < FD_INTERFACE_VERSION ? *pSupportedVersion
                                                                : FD_INTERFACE_VERSION;
   if (fd_vendor.negotiate) {
      VkResult result = fd_vendor.negotiate(&version);
      if (result != VK_SUCCESS)
         return result;
   } else {
      version = 1;
   }
   *pSupportedVersion = version;
   return VK_SUCCESS;
}

VKAPI_ATTR __attribute__((visibility("default"))) PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char *pName)
{
   return fd_GetInstanceProcAddr(instance, pName);
}

VKAPI_ATTR __attribute__((visibility("default"))) PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance instance, const char *pName)
{
   if (!fd_init() || !pName || !fd_vendor.gpdpa)
      return NULL;
   return wrap(pName, fd_vendor.gpdpa(instance, pName));
}
