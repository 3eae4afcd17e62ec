/* SPDX-License-Identifier: MIT */
#include "kr_private_data.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"

/* A first allocation smaller than this would only be grown again at once. */
#define KR_PRIVATE_DATA_MIN_CAPACITY 4u
/* A reservation beyond this is not taken as a reason to allocate more for every object. */
#define KR_PRIVATE_DATA_MAX_FIRST_CAPACITY 64u

/* The position of the slot's entry, or where it would be inserted. */
static uint32_t
lower_bound(const struct kr_private_data *data, uint64_t slot_index)
{
   uint32_t low = 0, high = data->count;
   while (low < high) {
      uint32_t mid = low + (high - low) / 2;
      if (data->entries[mid].slot_index < slot_index)
         low = mid + 1;
      else
         high = mid;
   }
   return low;
}

static VkResult
grow(struct kr_private_data *data, const VkAllocationCallbacks *alloc, uint32_t first_capacity)
{
   uint32_t capacity;
   if (data->capacity) {
      if (data->capacity > UINT32_MAX / 2)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      capacity = data->capacity * 2;
   } else {
      capacity = first_capacity < KR_PRIVATE_DATA_MIN_CAPACITY ? KR_PRIVATE_DATA_MIN_CAPACITY
                 : first_capacity > KR_PRIVATE_DATA_MAX_FIRST_CAPACITY
                    ? KR_PRIVATE_DATA_MAX_FIRST_CAPACITY
                    : first_capacity;
   }
   struct kr_private_data_entry *entries =
      kr_alloc(alloc, sizeof(*entries) * capacity, 8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!entries)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (data->count)
      memcpy(entries, data->entries, sizeof(*entries) * data->count);
   kr_free(alloc, data->entries);
   data->entries = entries;
   data->capacity = capacity;
   return VK_SUCCESS;
}

VkResult
kr_private_data_set(struct kr_private_data *data, const VkAllocationCallbacks *alloc,
                    uint32_t first_capacity, uint64_t slot_index, uint64_t value)
{
   uint32_t at = lower_bound(data, slot_index);
   if (at < data->count && data->entries[at].slot_index == slot_index) {
      data->entries[at].value = value;
      return VK_SUCCESS;
   }
   if (value == 0)
      return VK_SUCCESS; /* a slot without an entry reads 0 already */
   if (data->count == data->capacity) {
      VkResult result = grow(data, alloc, first_capacity);
      if (result != VK_SUCCESS) {
         kr_error("vkSetPrivateData: out of host memory for the private data of an object");
         return result;
      }
   }
   memmove(&data->entries[at + 1], &data->entries[at],
           sizeof(data->entries[0]) * (data->count - at));
   data->entries[at] = (struct kr_private_data_entry){slot_index, value};
   data->count++;
   return VK_SUCCESS;
}

uint64_t
kr_private_data_get(const struct kr_private_data *data, uint64_t slot_index)
{
   uint32_t at = lower_bound(data, slot_index);
   if (at < data->count && data->entries[at].slot_index == slot_index)
      return data->entries[at].value;
   return 0;
}

void
kr_private_data_finish(struct kr_private_data *data, const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, data->entries);
   *data = (struct kr_private_data){0};
}
