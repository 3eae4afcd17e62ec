/* SPDX-License-Identifier: MIT */
/* What a program starts from: the instance, every physical device it sees, and the pairing of
 * every Kronos device with the vendor device it runs on (kt_physical_devices_pair). */
#ifndef KT_SYSTEM_H
#define KT_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include <volk.h>

#include "kt_instance.h"
#include "kt_physical_device.h"

struct kt_system {
   struct kt_instance *instance;
   struct kt_physical_device *devices; /* in enumeration order */
   uint32_t device_count;
   struct kt_device_pair *pairs; /* one per Kronos device, in order */
   uint32_t pair_count;
};

/* Creates the instance (kt_instance_create: `application_name`, validation and synchronization
 * validation as asked), lists its physical devices and pairs them. On failure returns the error
 * (already reported); what was made is left in *out for kt_system_destroy either way. */
VkResult kt_system_create(const char *application_name, bool validation,
                          bool synchronization_validation, struct kt_system *out);

/* Frees the lists and destroys the instance (every kt_device must be gone first); a zeroed
 * system is ignored. Returns kt_instance_destroy's count of validation errors (0 without an
 * instance), and leaves *system zeroed. */
unsigned kt_system_destroy(struct kt_system *system);

/* The first pair whose vendor device is visible and whose vendor deviceName contains `filter`
 * (NULL: any name); NULL if there is none. */
const struct kt_device_pair *kt_system_find_pair(const struct kt_system *system,
                                                 const char *filter);

#endif
