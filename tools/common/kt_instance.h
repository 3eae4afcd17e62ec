/* SPDX-License-Identifier: MIT */
/* The Vulkan instance of a Kronos program, loaded with volk (never linked to libvulkan), with
 * optional Khronos validation whose errors are printed and counted. */
#ifndef KT_INSTANCE_H
#define KT_INSTANCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <volk.h>

#define KT_VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

struct kt_instance_options {
   const char *application_name;
   /* Enable VK_LAYER_KHRONOS_validation and a VK_EXT_debug_utils messenger that prints
    * warnings and errors and counts errors. */
   bool validation;
   /* Also enable synchronization validation (implies `validation`; needs the layer's
    * VK_EXT_validation_features). Off by default: the layer's 1.3.239 (Debian 12) leaks its
    * per-command-buffer state with it on, which LeakSanitizer reports. */
   bool synchronization_validation;
};

struct kt_instance {
   VkInstance handle;
   uint32_t api_version; /* what the instance was created with (1.1 to 1.3) */
   bool validation;
   VkDebugUtilsMessengerEXT messenger;
   atomic_uint validation_errors;
   atomic_uint validation_warnings;
};

/* Loads the Vulkan loader (volk), creates the instance and loads the instance-level functions
 * into volk's globals: one instance per process. The instance lives on the heap because the
 * messenger points at it. On failure returns the error (already reported) and sets *out to NULL. */
VkResult kt_instance_create(const struct kt_instance_options *options, struct kt_instance **out);

/* Destroys the messenger and the instance; NULL is ignored. Every device must be gone first.
 * Returns the validation errors of the instance's whole life, destruction included (where the
 * layer reports leaked objects). */
unsigned kt_instance_destroy(struct kt_instance *instance);

/* Validation errors reported so far (0 without validation). */
unsigned kt_instance_validation_errors(const struct kt_instance *instance);

#endif
