/* SPDX-License-Identifier: MIT */
#include "bench_device_info.h"

#include <stdio.h>
#include <string.h>

#include "bench_cmd.h"

#define NVIDIA_VENDOR_ID 0x10de

/* driverVersion is vendor-specific: NVIDIA packs 10.8.8.6 bits, most others (Mesa included)
 * use VK_MAKE_API_VERSION's layout. */
static void
format_driver_version(const struct kt_physical_device *physical, char *out, size_t size)
{
   uint32_t v = physical->properties.driverVersion;
   bool nvidia = physical->properties.vendorID == NVIDIA_VENDOR_ID ||
                 (physical->has_driver &&
                  physical->driver.driverID == VK_DRIVER_ID_NVIDIA_PROPRIETARY);
   if (nvidia)
      snprintf(out, size, "%u.%u.%02u", v >> 22, (v >> 14) & 0xffu, (v >> 6) & 0xffu);
   else
      snprintf(out, size, "%u.%u.%u", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
               VK_API_VERSION_PATCH(v));
}

void
bench_device_info_fill(const struct kt_device *device, struct bench_device_info *out)
{
   const struct kt_physical_device *physical = device->physical;
   memset(out, 0, sizeof(*out));
   snprintf(out->name, sizeof(out->name), "%s", physical->properties.deviceName);
   snprintf(out->driver_name, sizeof(out->driver_name), "%s",
            kt_physical_device_driver_name(physical));
   if (physical->has_driver) {
      snprintf(out->driver_info, sizeof(out->driver_info), "%s", physical->driver.driverInfo);
      out->driver_id = (uint32_t)physical->driver.driverID;
   }
   out->driver_version_raw = physical->properties.driverVersion;
   format_driver_version(physical, out->driver_version, sizeof(out->driver_version));
   out->api_version = physical->properties.apiVersion;
   out->vendor_id = physical->properties.vendorID;
   out->device_id = physical->properties.deviceID;
   kt_uuid_format(physical->id.deviceUUID, out->uuid);
   out->timestamp_period_ns = physical->properties.limits.timestampPeriod;
   out->timestamp_valid_bits = bench_timestamp_valid_bits(device);
}
