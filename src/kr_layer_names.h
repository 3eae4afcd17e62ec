/* SPDX-License-Identifier: MIT */
/* KRONOS_VENDOR_LAYERS's list of layer names, parsed. Pure logic (kr_vendor_layers.c reads the
 * setting and finds the layers). */
#ifndef KR_LAYER_NAMES_H
#define KR_LAYER_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* What separates the names: any run of these. */
#define KR_LAYER_NAME_SEPARATORS ":, \t"

/* Parses a KRONOS_VENDOR_LAYERS value into names[0 .. *count), each NUL-terminated, in the
 * order first named; a name given again counts once, as for the loader. False, with the
 * reason in err, when a name is longer than VK_MAX_EXTENSION_NAME_SIZE - 1 bytes or there are
 * more than max names; names and *count then hold those read before. */
bool kr_parse_layer_names(const char *text, char (*names)[VK_MAX_EXTENSION_NAME_SIZE],
                          uint32_t max, uint32_t *count, char *err, size_t err_size);

#endif
