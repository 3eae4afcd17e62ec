/* SPDX-License-Identifier: MIT */
#include "kr_handle_map.h"

#include "kr_alloc.h"

void
kr_handle_map_init(struct kr_handle_map *map, const VkAllocationCallbacks *alloc)
{
   *map = (struct kr_handle_map){.alloc = alloc};
}

void
kr_handle_map_finish(struct kr_handle_map *map)
{
   kr_free(map->alloc, map->slots);
   kr_handle_map_init(map, map->alloc);
}

/* Handles are pointers or small counters: mix the bits so both spread. */
static uint32_t
slot_of(const struct kr_handle_map *map, uint64_t key)
{
   key ^= key >> 33;
   key *= 0xff51afd7ed558ccdull;
   key ^= key >> 33;
   return (uint32_t)key & (map->capacity - 1);
}

static void
insert(struct kr_handle_map *map, uint64_t key, void *value)
{
   uint32_t i = slot_of(map, key);
   while (map->slots[i].key && map->slots[i].key != key)
      i = (i + 1) & (map->capacity - 1);
   if (!map->slots[i].key)
      map->count++;
   map->slots[i] = (struct kr_handle_map_slot){key, value};
}

static bool
grow(struct kr_handle_map *map)
{
   uint32_t capacity = map->capacity ? map->capacity * 2 : 64;
   struct kr_handle_map_slot *slots =
      kr_zalloc(map->alloc, (size_t)capacity * sizeof(*slots), _Alignof(struct kr_handle_map_slot),
                VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!slots)
      return false;
   struct kr_handle_map old = *map;
   map->slots = slots;
   map->capacity = capacity;
   map->count = 0;
   for (uint32_t i = 0; i < old.capacity; i++) {
      if (old.slots[i].key)
         insert(map, old.slots[i].key, old.slots[i].value);
   }
   kr_free(map->alloc, old.slots);
   return true;
}

bool
kr_handle_map_put(struct kr_handle_map *map, uint64_t key, void *value)
{
   /* at most 3/4 full, so probes end */
   if ((uint64_t)(map->count + 1) * 4 > (uint64_t)map->capacity * 3 && !grow(map))
      return false;
   insert(map, key, value);
   return true;
}

void *
kr_handle_map_get(const struct kr_handle_map *map, uint64_t key)
{
   if (!map->capacity || !key)
      return NULL;
   for (uint32_t i = slot_of(map, key); map->slots[i].key; i = (i + 1) & (map->capacity - 1)) {
      if (map->slots[i].key == key)
         return map->slots[i].value;
   }
   return NULL;
}

void *
kr_handle_map_take(struct kr_handle_map *map, uint64_t key)
{
   if (!map->capacity || !key)
      return NULL;
   uint32_t mask = map->capacity - 1, i = slot_of(map, key);
   while (map->slots[i].key && map->slots[i].key != key)
      i = (i + 1) & mask;
   if (!map->slots[i].key)
      return NULL;
   void *value = map->slots[i].value;
   /* Backward-shift deletion: move later members of the probe run into the hole when their home
    * slot does not lie cyclically in (hole, j]. */
   uint32_t hole = i;
   for (uint32_t j = (i + 1) & mask; map->slots[j].key; j = (j + 1) & mask) {
      uint32_t home = slot_of(map, map->slots[j].key);
      bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
         map->slots[hole] = map->slots[j];
         hole = j;
      }
   }
   map->slots[hole] = (struct kr_handle_map_slot){0};
   map->count--;
   return value;
}
