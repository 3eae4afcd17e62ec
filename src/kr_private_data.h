/* SPDX-License-Identifier: MIT */
/* The private data (vkSetPrivateData) one Kronos object keeps: a value per private data slot,
 * keyed by the slot's index (struct kr_private_data_slot), which the device hands out fresh
 * for every slot and never reuses. A slot destroyed and created again, even at the same handle
 * value, therefore starts empty on every object, as Mesa's vk_private_data_slot does.
 *
 * The storage is a sparse array: (index, value) entries sorted by index, grown by doubling
 * through the device's allocation callbacks, with no limit but memory. Indices only grow, and
 * an object holds entries only for the slots it was given a non-zero value in. */
#ifndef KR_PRIVATE_DATA_H
#define KR_PRIVATE_DATA_H

#include <stdint.h>
#include <vulkan/vulkan.h>

struct kr_private_data_entry {
   uint64_t slot_index;
   uint64_t value;
};

struct kr_private_data {
   struct kr_private_data_entry *entries; /* sorted by slot_index */
   uint32_t count;
   uint32_t capacity;
};

/* Stores value for the slot. The first allocation makes room for first_capacity entries (the
 * slots the application reserved at vkCreateDevice; at least a few). VK_ERROR_OUT_OF_HOST_MEMORY
 * leaves the data as it was. Not thread-safe: the caller holds the device's lock. */
VkResult kr_private_data_set(struct kr_private_data *data, const VkAllocationCallbacks *alloc,
                             uint32_t first_capacity, uint64_t slot_index, uint64_t value);

/* The value stored for the slot, or 0 if none was. */
uint64_t kr_private_data_get(const struct kr_private_data *data, uint64_t slot_index);

/* Frees the storage, with the callbacks it was allocated with. */
void kr_private_data_finish(struct kr_private_data *data, const VkAllocationCallbacks *alloc);

#endif
