/* SPDX-License-Identifier: MIT */
/* Kronos's public header: what programs can rely on to recognise Kronos and configure it.
 * (The statistics extension will be declared here too.) */
#ifndef KRONOS_KRONOS_H
#define KRONOS_KRONOS_H

/* VkPhysicalDeviceDriverProperties::driverName of every Kronos device. */
#define KRONOS_DRIVER_NAME "Kronos"

/* VkPhysicalDeviceProperties::deviceName is "Kronos (<vendor device name>)". */
#define KRONOS_DEVICE_NAME_PREFIX KRONOS_DRIVER_NAME " ("

/* Environment settings. */
#define KRONOS_ENV_VENDOR_ICD "KRONOS_VENDOR_ICD" /* vendor manifests/libraries, ':'-separated */
#define KRONOS_ENV_LOG "KRONOS_LOG"               /* none, error, warn, info, debug */

#endif
