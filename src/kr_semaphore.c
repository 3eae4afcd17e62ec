/* SPDX-License-Identifier: MIT */
/* Semaphores (see kr_sync.h). A point binary semaphore has no vendor object: its signal is the
 * timeline value of the submit that signals it, and a wait on it waits for that value. */
#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"
#include "kr_queue_batch.h"
#include "kr_scratch.h"
#include "kr_time.h"
#include "kr_util.h"

VkSemaphore
kr_semaphore_vendor(VkSemaphore semaphore)
{
   return semaphore ? kr_semaphore_from_handle(semaphore)->vendor : VK_NULL_HANDLE;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateSemaphore(VkDevice _device, const VkSemaphoreCreateInfo *pCreateInfo,
                   const VkAllocationCallbacks *pAllocator, VkSemaphore *pSemaphore)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   struct kr_semaphore *semaphore = kr_zalloc(alloc, sizeof(*semaphore), 8,
                                              VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!semaphore)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&semaphore->base, VK_OBJECT_TYPE_SEMAPHORE, device->alloc);
   const VkSemaphoreTypeCreateInfo *type =
      kr_chain_find(pCreateInfo->pNext, VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO);
   semaphore->type = type ? type->semaphoreType : VK_SEMAPHORE_TYPE_BINARY;
   bool real = !kr_device_batching(device) || semaphore->type == VK_SEMAPHORE_TYPE_TIMELINE ||
               kr_chain_find(pCreateInfo->pNext, VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO);
   if (real) {
      VkResult result = device->disp.CreateSemaphore(device->handle, pCreateInfo, pAllocator,
                                                     &semaphore->vendor);
      if (result != VK_SUCCESS) {
         kr_free(alloc, semaphore);
         return result;
      }
      kr_vendor_alloc_keep(&semaphore->vendor_alloc, pAllocator);
   }
   *pSemaphore = kr_semaphore_to_handle(semaphore);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroySemaphore(VkDevice _device, VkSemaphore _semaphore,
                    const VkAllocationCallbacks *pAllocator)
{
   if (!_semaphore)
      return;
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_semaphore *semaphore = kr_semaphore_from_handle(_semaphore);
   /* No flush: the application may destroy a semaphore only once every submit that uses it
    * completed, which it observed, and observing flushed. */
   if (semaphore->vendor) {
      kr_device_forget_lost_signals(device, kr_semaphore_id(semaphore->vendor));
      device->disp.DestroySemaphore(device->handle, semaphore->vendor,
                                    kr_vendor_alloc_get(&semaphore->vendor_alloc));
   }
   kr_object_base_finish(&semaphore->base);
   kr_free(kr_allocator(pAllocator, device->alloc), semaphore);
}

/* Host reads and waits observe every batch that signals the semaphore. */
static VkResult
flush_signalers(struct kr_device *device, VkSemaphore vendor)
{
   return kr_device_flush_point(device,
                                (struct kr_batch_point){kr_semaphore_id(vendor), 0, 0}, NULL);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetSemaphoreCounterValue(VkDevice _device, VkSemaphore _semaphore, uint64_t *pValue)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_semaphore *semaphore = kr_semaphore_from_handle(_semaphore);
   VkResult result = flush_signalers(device, semaphore->vendor);
   if (result != VK_SUCCESS)
      return result;
   result = device->disp.GetSemaphoreCounterValue(device->handle, semaphore->vendor, pValue);
   /* A signal above the counter that was lost in a refused flush never comes: a read reports
    * it, as a wait for it does, so that a loop polling the counter for it ends (the submit
    * returned VK_SUCCESS; vkGetSemaphoreCounterValue may return the error). */
   if (result == VK_SUCCESS && kr_device_batching(device) &&
       atomic_load(&device->lost_signals.count) != 0 && *pValue != UINT64_MAX) {
      VkResult lost = kr_semaphore_lost_signal(device, semaphore, *pValue + 1);
      if (lost != VK_SUCCESS)
         return lost;
   }
   return result;
}

/* A wait whose signals were lost in refused flushes never ends: their error instead (a wait for
 * all, when one of them is; for any, when all are). */
static VkResult
lost_signals_result(struct kr_device *device, const VkSemaphoreWaitInfo *info)
{
   if (!kr_device_batching(device) || atomic_load(&device->lost_signals.count) == 0)
      return VK_SUCCESS;
   bool any = info->flags & VK_SEMAPHORE_WAIT_ANY_BIT;
   VkResult lost = VK_SUCCESS;
   for (uint32_t i = 0; i < info->semaphoreCount; i++) {
      VkResult result = kr_semaphore_lost_signal(
         device, kr_semaphore_from_handle(info->pSemaphores[i]), info->pValues[i]);
      if (result == VK_SUCCESS && any)
         return VK_SUCCESS;
      if (result != VK_SUCCESS) {
         lost = result;
         if (!any)
            return lost;
      }
   }
   return lost;
}

/* How long one vendor wait on application semaphores lasts before Kronos looks again for signals
 * lost in refused flushes. A timeline wait may begin before the submit of its signal; if that
 * submit is batched and its flush refused later (the flusher's, or another thread's), the
 * vendor's wait is never told: without another look it would wait out its timeout, for ever
 * with UINT64_MAX. Looking costs a wake-up per slice of a long wait, nothing to a short one. */
#define LOST_SIGNAL_LOOK_NS (10ull * 1000 * 1000)

static VkResult
wait_vendor_semaphores(struct kr_device *device, const VkSemaphoreWaitInfo *vendor_info,
                       const VkSemaphoreWaitInfo *app_info, uint64_t timeout)
{
   if (!kr_device_batching(device) || timeout <= LOST_SIGNAL_LOOK_NS)
      return device->disp.WaitSemaphores(device->handle, vendor_info, timeout);
   const uint64_t deadline = kr_deadline_after(timeout);
   for (;;) {
      const uint64_t left = kr_time_left(deadline);
      const uint64_t slice = left < LOST_SIGNAL_LOOK_NS ? left : LOST_SIGNAL_LOOK_NS;
      VkResult result = device->disp.WaitSemaphores(device->handle, vendor_info, slice);
      if (result != VK_TIMEOUT || slice == left)
         return result;
      result = lost_signals_result(device, app_info);
      if (result != VK_SUCCESS)
         return result;
   }
}

static VkResult
wait_semaphores(struct kr_device *device, const VkSemaphoreWaitInfo *pWaitInfo, uint64_t timeout)
{
   uint32_t count = pWaitInfo->semaphoreCount;
   struct kr_scratch scratch;
   VkSemaphore *vendor = kr_scratch_get(&scratch, device->alloc, sizeof(*vendor) * count);
   if (!vendor)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < count && result == VK_SUCCESS; i++) {
      vendor[i] = kr_semaphore_from_handle(pWaitInfo->pSemaphores[i])->vendor;
      result = flush_signalers(device, vendor[i]);
   }
   if (result == VK_SUCCESS) {
      /* Flushes of other threads on their way to the vendor land too, so the vendor sees no
       * wait before the signal Kronos held (a counter read needs not), and a signal lost in a
       * refused flush is known. */
      kr_device_land_flushes(device);
      result = lost_signals_result(device, pWaitInfo);
   }
   if (result == VK_SUCCESS) {
      VkSemaphoreWaitInfo info = *pWaitInfo;
      info.pSemaphores = vendor;
      result = wait_vendor_semaphores(device, &info, pWaitInfo, timeout);
   }
   kr_scratch_put(&scratch);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_WaitSemaphores(VkDevice _device, const VkSemaphoreWaitInfo *pWaitInfo, uint64_t timeout)
{
   struct kr_device *device = kr_device_from_handle(_device);
   uint64_t start = kr_profile_cpu_start(device); /* a CPU slice when profiling */
   VkResult result = wait_semaphores(device, pWaitInfo, timeout);
   kr_profile_host_wait_done(device, "vkWaitSemaphores", start, result);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SignalSemaphore(VkDevice _device, const VkSemaphoreSignalInfo *pSignalInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkSemaphoreSignalInfo info = *pSignalInfo;
   info.semaphore = kr_semaphore_from_handle(info.semaphore)->vendor;
   VkResult result = device->disp.SignalSemaphore(device->handle, &info);
   /* Batches waiting on the host's signal can run now: hand them to the vendor. */
   if (result == VK_SUCCESS)
      result = kr_device_flush_user(device, kr_semaphore_id(info.semaphore));
   return result;
}

VkResult
kr_semaphore_make_real(struct kr_device *device, struct kr_semaphore *semaphore)
{
   if (semaphore->vendor)
      return VK_SUCCESS;
   const VkSemaphoreCreateInfo create = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   VkResult result = device->disp.CreateSemaphore(device->handle, &create, device->alloc,
                                                  &semaphore->vendor);
   if (result != VK_SUCCESS)
      return result;
   kr_vendor_alloc_keep(&semaphore->vendor_alloc, device->alloc);
   semaphore->signal_queue = NULL;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ImportSemaphoreFdKHR(VkDevice _device, const VkImportSemaphoreFdInfoKHR *pImportSemaphoreFdInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_semaphore *semaphore = kr_semaphore_from_handle(pImportSemaphoreFdInfo->semaphore);
   /* An imported payload needs a real vendor semaphore: this one becomes one for good. */
   VkResult result = kr_semaphore_make_real(device, semaphore);
   if (result != VK_SUCCESS)
      return result;
   /* An imported payload replaces whatever was lost. */
   kr_device_forget_lost_signals(device, kr_semaphore_id(semaphore->vendor));
   VkImportSemaphoreFdInfoKHR info = *pImportSemaphoreFdInfo;
   info.semaphore = semaphore->vendor;
   return device->disp.ImportSemaphoreFdKHR(device->handle, &info);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetSemaphoreFdKHR(VkDevice _device, const VkSemaphoreGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_semaphore *semaphore = kr_semaphore_from_handle(pGetFdInfo->semaphore);
   if (!semaphore->vendor) {
      kr_error("vkGetSemaphoreFdKHR: the semaphore was not created with "
               "VkExportSemaphoreCreateInfo");
      return VK_ERROR_TOO_MANY_OBJECTS;
   }
   /* A sync file covers a signal already submitted: the batch signalling it goes first. */
   VkResult result = flush_signalers(device, semaphore->vendor);
   if (result != VK_SUCCESS)
      return result;
   kr_device_land_flushes(device);
   VkSemaphoreGetFdInfoKHR info = *pGetFdInfo;
   info.semaphore = semaphore->vendor;
   return device->disp.GetSemaphoreFdKHR(device->handle, &info, pFd);
}
