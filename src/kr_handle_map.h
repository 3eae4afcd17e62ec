/* SPDX-License-Identifier: MIT */
/* A map from a vendor handle value to what Kronos knows of the object, for objects Kronos does
 * not wrap but must know about when commands name them (the barrier policy: buffers' memory
 * bindings, shader modules' code, pipelines' accesses). Open addressing with linear probing and
 * backward-shift deletion; no lock (the owner's). Handle 0 is never a key. */
#ifndef KR_HANDLE_MAP_H
#define KR_HANDLE_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

struct kr_handle_map_slot {
   uint64_t key;
   void *value;
};

struct kr_handle_map {
   const VkAllocationCallbacks *alloc;
   struct kr_handle_map_slot *slots;
   uint32_t capacity; /* a power of two, or 0 */
   uint32_t count;
};

void kr_handle_map_init(struct kr_handle_map *map, const VkAllocationCallbacks *alloc);
void kr_handle_map_finish(struct kr_handle_map *map);

/* Sets key's value (replacing any); false when out of host memory (the map is unchanged). */
bool kr_handle_map_put(struct kr_handle_map *map, uint64_t key, void *value);
/* key's value, or NULL. */
void *kr_handle_map_get(const struct kr_handle_map *map, uint64_t key);
/* Removes key and returns its value (NULL when absent). */
void *kr_handle_map_take(struct kr_handle_map *map, uint64_t key);

#endif
