/* SPDX-License-Identifier: MIT */
/* Devices and their queues. vkCreateDevice rebuilds the vendor's feature chain from the
 * compact feature set rather than passing the application's chain through. */
#include <stdalign.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_settings.h"
#include "kr_struct_chain.h"
#include "kr_util.h"

static VkResult
check_extensions(const struct kr_physical_device *pd, const VkDeviceCreateInfo *info,
                 struct kr_extension_set *enabled)
{
   memset(enabled, 0, sizeof(*enabled));
   for (uint32_t i = 0; i < info->enabledExtensionCount; i++) {
      const char *name = info->ppEnabledExtensionNames[i];
      int index = kr_device_extension_index(name);
      if (index < 0 || !kr_extensions_test(&pd->state.extensions, (unsigned)index)) {
         kr_error("vkCreateDevice: device extension %s is not supported by Kronos on %s", name,
                  pd->state.device_name);
         return VK_ERROR_EXTENSION_NOT_PRESENT;
      }
      kr_extensions_add(enabled, (unsigned)index);
   }
   return VK_SUCCESS;
}

static VkResult
check_features(const struct kr_device *device, const VkDeviceCreateInfo *info,
               struct kr_feature_set *requested)
{
   const struct kr_physical_device *pd = device->physical;
   memset(requested, 0, sizeof(*requested));
   if (info->pEnabledFeatures)
      kr_features_read_struct(&kr_feature_structs[0], info->pEnabledFeatures, requested);
   kr_feature_chain_read(info->pNext, requested);
   int missing = kr_features_first_missing(requested, &pd->state.features);
   if (missing >= 0) {
      kr_error("vkCreateDevice: feature %s is not supported by Kronos on %s%s",
               kr_feature_names[missing], pd->state.device_name,
               kr_features_test(&kr_graphics_features, (unsigned)missing)
                  ? " (graphics features are never offered)" : "");
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   /* A feature of a structure that neither the device's version under this instance nor an
    * enabled extension provides (invalid usage, e.g. a Vulkan 1.4 structure from a 1.3
    * application) could not reach the vendor: refused rather than dropped. */
   struct kr_feature_set carried;
   kr_features_carried(device->api_version, &device->enabled_extensions, &carried);
   missing = kr_features_first_missing(requested, &carried);
   if (missing >= 0) {
      kr_error("vkCreateDevice: feature %s is requested in a structure that neither Vulkan "
               "%u.%u (the lower of the instance's and the device's versions) nor an enabled "
               "extension provides",
               kr_feature_names[missing], VK_API_VERSION_MAJOR(device->api_version),
               VK_API_VERSION_MINOR(device->api_version));
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   return VK_SUCCESS;
}

static VkResult
check_queues(const struct kr_physical_device *pd, const VkDeviceCreateInfo *info, uint32_t *total)
{
   *total = 0;
   for (uint32_t i = 0; i < info->queueCreateInfoCount; i++) {
      const VkDeviceQueueCreateInfo *q = &info->pQueueCreateInfos[i];
      if (q->queueFamilyIndex >= pd->state.queue_family_count ||
          q->queueCount > pd->state.queue_families[q->queueFamilyIndex].count) {
         kr_error("vkCreateDevice: queue family %u with %u queues is not offered by %s (only "
                  "compute and transfer families are)", q->queueFamilyIndex, q->queueCount,
                  pd->state.device_name);
         return VK_ERROR_INITIALIZATION_FAILED;
      }
      *total += q->queueCount;
   }
   return VK_SUCCESS;
}

/* The vendor's pNext chain: the rebuilt feature chain, then copies of the other structures
 * Kronos passes. The application's structures are never linked or written. Several
 * VkDevicePrivateDataCreateInfo may be chained (an exception to the rules of chains): the vendor
 * gets one that reserves their sum. */
struct vendor_chain {
   VkPhysicalDeviceFeatures2 *features; /* head; one allocation */
   VkDevicePrivateDataCreateInfo private_data;
};

static VkResult
build_vendor_chain(struct kr_device *device, const VkDeviceCreateInfo *info, bool batching,
                   struct vendor_chain *chain)
{
   const struct kr_physical_device *pd = device->physical;
   chain->features = kr_feature_chain_create(device->alloc, device->api_version,
                                             &device->enabled_extensions);
   if (!chain->features)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   /* The vendor device also gets what Kronos itself uses; the application's set is kept. */
   struct kr_feature_set vendor_features = device->enabled_features;
   if (batching)
      kr_batching_vendor_features(&vendor_features);
   kr_profile_vendor_features(pd, &vendor_features);
   kr_feature_chain_write(chain->features, &vendor_features);
   VkBaseOutStructure *tail = (VkBaseOutStructure *)chain->features;
   while (tail->pNext)
      tail = tail->pNext;

   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2 ||
          kr_feature_struct_find(s->sType))
         continue; /* rebuilt above */
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_DEVICE_PRIVATE_DATA_CREATE_INFO: {
         uint32_t count = ((const VkDevicePrivateDataCreateInfo *)s)->privateDataSlotRequestCount;
         if (!chain->private_data.sType) {
            chain->private_data.sType = VK_STRUCTURE_TYPE_DEVICE_PRIVATE_DATA_CREATE_INFO;
            tail->pNext = (VkBaseOutStructure *)&chain->private_data;
            tail = tail->pNext;
         }
         chain->private_data.privateDataSlotRequestCount =
            count > UINT32_MAX - chain->private_data.privateDataSlotRequestCount
               ? UINT32_MAX
               : chain->private_data.privateDataSlotRequestCount + count;
         /* Kronos's own objects make room for this many slots when they first store any. */
         device->private_data_reserved = chain->private_data.privateDataSlotRequestCount;
         break;
      }
      case VK_STRUCTURE_TYPE_DEVICE_GROUP_DEVICE_CREATE_INFO: {
         /* A group of just this device is the same as no group. */
         const VkDeviceGroupDeviceCreateInfo *group = (const void *)s;
         VkPhysicalDevice self = kr_physical_device_to_handle((struct kr_physical_device *)pd);
         if (group->physicalDeviceCount > 1 ||
             (group->physicalDeviceCount == 1 && group->pPhysicalDevices[0] != self)) {
            kr_error("vkCreateDevice: device groups of several devices are not supported");
            kr_free(device->alloc, chain->features);
            return VK_ERROR_INITIALIZATION_FAILED;
         }
         break;
      }
      default:
         kr_debug("vkCreateDevice: dropping a structure Kronos does not know (sType %d)",
                  s->sType);
         break;
      }
   }
   return VK_SUCCESS;
}

/* The application's queue create infos with the vendor's family indices (check_queues passed):
 * pCreateInfo's own array when the indices are the same, else a copy to kr_free. */
static VkResult
vendor_queue_infos(const struct kr_device *device, const VkDeviceCreateInfo *info,
                   VkDeviceQueueCreateInfo **copy)
{
   const struct kr_queue_family_map *map = &device->physical->state.queue_family_map;
   *copy = NULL;
   if (map->identity || info->queueCreateInfoCount == 0)
      return VK_SUCCESS;
   *copy = kr_alloc(device->alloc, sizeof(**copy) * info->queueCreateInfoCount, 8,
                    VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!*copy)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < info->queueCreateInfoCount; i++) {
      (*copy)[i] = info->pQueueCreateInfos[i];
      (*copy)[i].queueFamilyIndex = kr_queue_family_to_vendor(map,
                                                              (*copy)[i].queueFamilyIndex);
   }
   return VK_SUCCESS;
}

static VkResult
create_queues(struct kr_device *device, const VkDeviceCreateInfo *info, uint32_t total)
{
   const struct kr_queue_family_map *map = &device->physical->state.queue_family_map;
   device->queues = kr_zalloc(device->alloc, sizeof(struct kr_queue) * KR_MAX(total, 1), 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!device->queues)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < info->queueCreateInfoCount; i++) {
      const VkDeviceQueueCreateInfo *q = &info->pQueueCreateInfos[i];
      for (uint32_t index = 0; index < q->queueCount; index++) {
         struct kr_queue *queue = &device->queues[device->queue_count++];
         set_loader_magic_value(queue);
         kr_object_base_init(&queue->base, VK_OBJECT_TYPE_QUEUE, device->alloc);
         queue->device = device;
         queue->disp = &device->disp;
         queue->family = q->queueFamilyIndex; /* Kronos's index, as vkGetDeviceQueue asks */
         queue->index = index;
         queue->flags = q->flags;
         const VkDeviceQueueInfo2 queue_info = {
            .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
            .flags = q->flags,
            .queueFamilyIndex = kr_queue_family_to_vendor(map, q->queueFamilyIndex),
            .queueIndex = index,
         };
         device->disp.GetDeviceQueue2(device->handle, &queue_info, &queue->handle);
         /* As the loader's vkGetDeviceQueue trampoline: the queue gets its device's word. */
         if (queue->handle && device->physical->vendor->layered)
            kr_layer_set_dispatch(queue->handle, &device->disp);
      }
   }
   return VK_SUCCESS;
}

static void
destroy_device(struct kr_device *device)
{
   kr_profile_finish(device); /* reads what is left, writes the profile */
   kr_device_batching_finish(device);
   kr_profile_destroy(device); /* after the flusher thread, which may add a slice, stopped */
   kr_device_descriptors_finish(device);
   kr_barrier_objects_finish(device);
   kr_memory_pools_finish(device);
   /* A vendor device without vkDestroyDevice (refused below) cannot be destroyed. */
   if (device->handle && device->disp.DestroyDevice)
      device->disp.DestroyDevice(device->handle, device->alloc);
   for (uint32_t i = 0; i < device->queue_count; i++)
      kr_object_base_finish(&device->queues[i].base);
   kr_free(device->alloc, device->queues);
   kr_object_base_finish(&device->base);
   pthread_mutex_destroy(&device->private_data_lock);
   kr_free(device->alloc, device);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateDevice(VkPhysicalDevice physicalDevice, const VkDeviceCreateInfo *pCreateInfo,
                const VkAllocationCallbacks *pAllocator, VkDevice *pDevice)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, pd->instance->alloc);
   struct vendor_chain chain = {0};
   VkDeviceQueueCreateInfo *queue_infos = NULL;
   uint32_t queue_total = 0;
   VkResult result;

   struct kr_device *device = kr_zalloc(alloc, sizeof(*device), alignof(struct kr_device),
                                        VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!device)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   set_loader_magic_value(device);
   if (pthread_mutex_init(&device->private_data_lock, NULL) != 0) {
      kr_free(alloc, device);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   device->physical = pd;
   kr_stats_init(&device->stats);
   if (alloc) {
      device->alloc_storage = *alloc;
      device->alloc = &device->alloc_storage;
   }
   kr_object_base_init(&device->base, VK_OBJECT_TYPE_DEVICE, device->alloc);
   device->api_version = pd->api_version;

   result = check_extensions(pd, pCreateInfo, &device->enabled_extensions);
   if (result == VK_SUCCESS)
      result = check_features(device, pCreateInfo, &device->enabled_features);
   if (result == VK_SUCCESS)
      result = check_queues(pd, pCreateInfo, &queue_total);
   bool batching = kr_optimization_enabled(KR_OPT_BATCH) && kr_batching_supported(pd);
   if (kr_optimization_enabled(KR_OPT_BATCH) && !batching)
      kr_info("submit batching off on %s: the vendor lacks Vulkan 1.3 timeline semaphores or "
              "vkQueueSubmit2", pd->state.device_name);
   if (result == VK_SUCCESS)
      result = vendor_queue_infos(device, pCreateInfo, &queue_infos);
   if (result == VK_SUCCESS)
      result = build_vendor_chain(device, pCreateInfo, batching, &chain);
   if (result != VK_SUCCESS)
      goto fail;

   VkDeviceCreateInfo vendor_info = *pCreateInfo;
   if (queue_infos)
      vendor_info.pQueueCreateInfos = queue_infos;
   /* The profiler's extension (calibrated timestamps), after the application's. */
   const char **extensions = NULL;
   const char *profile_extension = kr_profile_vendor_extension(pd, &device->enabled_extensions);
   if (profile_extension) {
      extensions = kr_alloc(device->alloc,
                            sizeof(*extensions) * (pCreateInfo->enabledExtensionCount + 1), 8,
                            VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!extensions) {
         kr_free(device->alloc, chain.features);
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         goto fail;
      }
      for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; i++)
         extensions[i] = pCreateInfo->ppEnabledExtensionNames[i];
      extensions[vendor_info.enabledExtensionCount++] = profile_extension;
      vendor_info.ppEnabledExtensionNames = extensions;
   }
   vendor_info.pNext = chain.features;
   vendor_info.pEnabledFeatures = NULL;
   vendor_info.enabledLayerCount = 0;
   vendor_info.ppEnabledLayerNames = NULL;
   /* Kronos's dispatch comes from the vendor, or from the first of the vendor layers; the
    * address of that table is the vendor device's dispatch word under layers. */
   PFN_vkGetDeviceProcAddr gdpa = pd->vendor->gdpa;
   if (pd->vendor->layered)
      result = kr_layer_chain_create_device(&pd->instance->layers, pd->vendor->handle,
                                            &pd->vendor->terminal, pd->handle, &vendor_info,
                                            device->alloc, &device->disp, &device->handle,
                                            &gdpa);
   else
      result = pd->disp->CreateDevice(pd->handle, &vendor_info, device->alloc, &device->handle);
   kr_free(device->alloc, chain.features);
   kr_free(device->alloc, queue_infos);
   kr_free(device->alloc, extensions);
   queue_infos = NULL;
   if (result != VK_SUCCESS) {
      kr_warn("vkCreateDevice on %s failed in the vendor driver (%d)", pd->state.device_name,
              result);
      device->handle = VK_NULL_HANDLE;
      goto fail;
   }
   kr_device_dispatch_load(&device->disp, gdpa, device->handle);
   /* Kronos calls the vendor's core commands without looking: a device whose driver does not
    * give one of its version's (a broken driver, or a layer that hides it) cannot be used. */
   const char *missing = kr_device_dispatch_missing(&device->disp, device->api_version);
   if (missing) {
      kr_error("vkCreateDevice on %s: the vendor driver gives no %s, a core command of its "
               "Vulkan %u.%u", pd->state.device_name, missing,
               VK_API_VERSION_MAJOR(device->api_version),
               VK_API_VERSION_MINOR(device->api_version));
      result = VK_ERROR_INITIALIZATION_FAILED;
      goto fail;
   }
   result = kr_memory_pools_init(device);
   if (result != VK_SUCCESS)
      goto fail;

   result = kr_barrier_objects_init(device);
   if (result != VK_SUCCESS)
      goto fail;
   device->barrier_drop_all = kr_setting_enabled(KR_SETTING_BARRIER_DROP_ALL);
   device->barrier_replay = kr_setting_number(KR_SETTING_BARRIER_REPLAY, 1) != 0;
   unsigned long defer = kr_setting_number(KR_SETTING_BARRIER_DEFER, 2);
   device->barrier_defer = defer > 2 ? 2 : (uint8_t)defer;
   if (device->barrier_drop_all)
      kr_warn("KRONOS_BARRIER_DROP_ALL: the vendor gets no pipeline barrier at all on %s; "
              "results may be wrong (a debug setting for race tests)", pd->state.device_name);
   result = kr_device_descriptors_init(device);
   if (result == VK_SUCCESS)
      result = create_queues(device, pCreateInfo, queue_total);
   if (result == VK_SUCCESS)
      kr_profile_init(device); /* its one clock probe goes straight to the vendor queue */
   if (result == VK_SUCCESS && batching)
      result = kr_device_batching_init(device);
   if (result != VK_SUCCESS)
      goto fail;
   *pDevice = kr_device_to_handle(device);
   return VK_SUCCESS;

fail:
   kr_free(device->alloc, queue_infos);
   destroy_device(device);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyDevice(VkDevice _device, const VkAllocationCallbacks *pAllocator)
{
   (void)pAllocator; /* the callbacks given at creation, kept in the device */
   if (!_device)
      return;
   struct kr_device *device = kr_device_from_handle(_device);
   if (kr_setting_enabled(KR_SETTING_STATS))
      kr_stats_print(&device->stats, device->physical->state.device_name);
   destroy_device(device);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetDeviceStatisticsKRONOS(VkDevice _device, VkKronosDeviceStatistics *pStatistics)
{
   return kr_stats_read(&kr_device_from_handle(_device)->stats, pStatistics);
}

static struct kr_queue *
find_queue(struct kr_device *device, uint32_t family, uint32_t index,
           VkDeviceQueueCreateFlags flags)
{
   for (uint32_t i = 0; i < device->queue_count; i++) {
      struct kr_queue *q = &device->queues[i];
      if (q->family == family && q->index == index && q->flags == flags)
         return q;
   }
   return NULL;
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceQueue(VkDevice _device, uint32_t queueFamilyIndex, uint32_t queueIndex,
                  VkQueue *pQueue)
{
   struct kr_queue *q = find_queue(kr_device_from_handle(_device), queueFamilyIndex, queueIndex, 0);
   *pQueue = q ? kr_queue_to_handle(q) : VK_NULL_HANDLE;
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceQueue2(VkDevice _device, const VkDeviceQueueInfo2 *pQueueInfo, VkQueue *pQueue)
{
   struct kr_queue *q = find_queue(kr_device_from_handle(_device), pQueueInfo->queueFamilyIndex,
                                   pQueueInfo->queueIndex, pQueueInfo->flags);
   *pQueue = q ? kr_queue_to_handle(q) : VK_NULL_HANDLE;
}
