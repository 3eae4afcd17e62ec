/* SPDX-License-Identifier: MIT */
/* Checking VkResults in Kronos's programs: every call is checked, a failure is reported with
 * what was being done, and the caller jumps to its cleanup. */
#ifndef KT_CHECK_H
#define KT_CHECK_H

#include <stdbool.h>

#include <volk.h>

/* The enumerant's name ("VK_ERROR_DEVICE_LOST"), or "VkResult(<n>)" for unknown values. */
const char *kt_result_name(VkResult result);

/* True for VK_SUCCESS. Otherwise prints "<program>: <what> failed: <VkResult>" on stderr
 * and returns false. `what` names the call, e.g. "vkCreateBuffer (y, 4 MiB)". */
bool kt_ok(VkResult result, const char *what);

/* Prints "<program>: <message>" on stderr (printf-style). */
void kt_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
