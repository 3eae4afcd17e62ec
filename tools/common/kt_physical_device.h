/* SPDX-License-Identifier: MIT */
/* The physical devices a program sees, and the pairing of every Kronos device with the vendor
 * device it runs on (same VkPhysicalDeviceIDProperties::deviceUUID). */
#ifndef KT_PHYSICAL_DEVICE_H
#define KT_PHYSICAL_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <volk.h>

#include "kt_instance.h"

struct kt_physical_device {
   VkPhysicalDevice handle;
   VkPhysicalDeviceProperties properties;
   VkPhysicalDeviceIDProperties id;             /* pNext is NULL */
   VkPhysicalDeviceDriverProperties driver;     /* pNext is NULL; zeroed unless has_driver */
   bool has_driver;
   bool is_kronos;
};

/* A Kronos device and the vendor device with the same deviceUUID (NULL: none visible). */
struct kt_device_pair {
   const struct kt_physical_device *kronos;
   const struct kt_physical_device *vendor;
};

/* Every physical device of the instance, in enumeration order. Free *devices with free(). */
VkResult kt_physical_devices_list(const struct kt_instance *instance,
                                  struct kt_physical_device **devices, uint32_t *count);

/* Fills pairs[0..*pair_count) with one entry per Kronos device, in order (pairs has room for
 * `count` entries). A Kronos device whose vendor device is not visible gets vendor == NULL. */
void kt_physical_devices_pair(const struct kt_physical_device *devices, uint32_t count,
                              struct kt_device_pair *pairs, uint32_t *pair_count);

/* driverName when known, else "(unknown driver)". */
const char *kt_physical_device_driver_name(const struct kt_physical_device *device);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (37 bytes with the terminator). */
void kt_uuid_format(const uint8_t uuid[VK_UUID_SIZE], char out[37]);

#endif
