/* SPDX-License-Identifier: MIT */
/* The process's vendor drivers: found, loaded and negotiated with once per process, at the first
 * call that needs them (the loader's first pre-instance query, as a rule), and kept until Kronos
 * is unloaded. Loading a vendor driver is slow (NVIDIA's takes a large share of a short process's
 * life), and the loader asks Kronos several times before and at vkCreateInstance. */
#ifndef KR_VENDOR_SET_H
#define KR_VENDOR_SET_H

#include <stdbool.h>

#include "kr_vendor.h"

/* The vendor drivers KRONOS_VENDOR_ICD selects now (or the standard folders' scan), loaded by
 * the first call for that selection and kept: *list points at them until Kronos is unloaded.
 * A load that failed is retried by the next call, for the drivers that failed only. Errors are
 * logged at error level, or at debug level when quiet. Thread-safe. kr_vendors_load's results. */
VkResult kr_vendor_set_get(bool quiet, struct kr_vendor_list *list);

#endif
