/* SPDX-License-Identifier: MIT */
#include "kr_device_order.h"

#include <stdlib.h>

static int
type_rank(VkPhysicalDeviceType type)
{
   switch (type) {
   case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
   case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
   case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
   case VK_PHYSICAL_DEVICE_TYPE_CPU: return 4;
   default: return 3;
   }
}

int
kr_physical_device_order(const struct kr_physical_device *a, const struct kr_physical_device *b)
{
   int ra = type_rank(a->state.device_type), rb = type_rank(b->state.device_type);
   if (ra != rb)
      return ra - rb;
   /* qsort is not stable: the enumeration index keeps the vendors' order. (Addresses of the
    * objects, compared before issue 9, follow the allocator, not the vendors.) */
   return a->enumeration_index < b->enumeration_index ? -1
          : a->enumeration_index > b->enumeration_index;
}

static int
compare_devices(const void *a, const void *b)
{
   return kr_physical_device_order(*(struct kr_physical_device *const *)a,
                                   *(struct kr_physical_device *const *)b);
}

void
kr_physical_devices_sort(struct kr_physical_device **devices, uint32_t count)
{
   if (count > 1)
      qsort(devices, count, sizeof(devices[0]), compare_devices);
}
