/* SPDX-License-Identifier: MIT */
/* Descriptor update templates: Kronos keeps the entries, so a template update of a record is a
 * record change; a vendor template exists for the sets that stay vendor sets and for push
 * descriptors. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"

/* Whether the vendor needs the template: pushes, and updates of vendor sets. */
static bool
needs_vendor_template(const VkDescriptorUpdateTemplateCreateInfo *info)
{
   if (info->templateType != VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET)
      return true;
   const struct kr_descriptor_set_layout *layout =
      kr_descriptor_set_layout_from_handle(info->descriptorSetLayout);
   return !layout || !layout->model.modeled;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateDescriptorUpdateTemplate(VkDevice _device,
                                  const VkDescriptorUpdateTemplateCreateInfo *pCreateInfo,
                                  const VkAllocationCallbacks *pAllocator,
                                  VkDescriptorUpdateTemplate *pDescriptorUpdateTemplate)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   uint32_t count = pCreateInfo->descriptorUpdateEntryCount;
   size_t size = sizeof(struct kr_descriptor_update_template) +
                 sizeof(VkDescriptorUpdateTemplateEntry) * count;
   struct kr_descriptor_update_template *tmpl = kr_zalloc(alloc, size, 8,
                                                          VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!tmpl)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&tmpl->base, VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE, device->alloc);
   tmpl->type = pCreateInfo->templateType;
   tmpl->entry_count = count;
   tmpl->entries = (VkDescriptorUpdateTemplateEntry *)(tmpl + 1);
   if (count)
      memcpy(tmpl->entries, pCreateInfo->pDescriptorUpdateEntries, sizeof(*tmpl->entries) * count);
   if (needs_vendor_template(pCreateInfo)) {
      VkDescriptorUpdateTemplateCreateInfo info = *pCreateInfo;
      /* Each handle is read only for its template type (the other may hold anything). */
      bool push = info.templateType == VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_PUSH_DESCRIPTORS_KHR;
      info.descriptorSetLayout =
         push ? VK_NULL_HANDLE : kr_descriptor_set_layout_vendor(info.descriptorSetLayout);
      info.pipelineLayout = push ? kr_pipeline_layout_vendor(info.pipelineLayout)
                                 : VK_NULL_HANDLE;
      VkResult result = device->disp.CreateDescriptorUpdateTemplate(device->handle, &info,
                                                                    pAllocator, &tmpl->vendor);
      if (result != VK_SUCCESS) {
         kr_free(alloc, tmpl);
         return result;
      }
   }
   *pDescriptorUpdateTemplate = kr_descriptor_update_template_to_handle(tmpl);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyDescriptorUpdateTemplate(VkDevice _device,
                                   VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                   const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (!descriptorUpdateTemplate)
      return;
   struct kr_descriptor_update_template *tmpl =
      kr_descriptor_update_template_from_handle(descriptorUpdateTemplate);
   if (tmpl->vendor)
      device->disp.DestroyDescriptorUpdateTemplate(device->handle, tmpl->vendor, pAllocator);
   kr_object_base_finish(&tmpl->base);
   kr_free(kr_allocator(pAllocator, device->alloc), tmpl);
}

VKAPI_ATTR void VKAPI_CALL
kr_UpdateDescriptorSetWithTemplate(VkDevice _device, VkDescriptorSet descriptorSet,
                                   VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                   const void *pData)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_descriptor_set *set = kr_descriptor_set_from_handle(descriptorSet);
   struct kr_descriptor_update_template *tmpl =
      kr_descriptor_update_template_from_handle(descriptorUpdateTemplate);
   kr_stats_add_local(&device->stats, KR_STAT_APP_DESCRIPTOR_WRITES, 1);
   if (set->has_record &&
       !kr_descriptor_record_apply_template(&set->record, tmpl->entry_count, tmpl->entries,
                                            pData))
      kr_error("vkUpdateDescriptorSetWithTemplate: a template entry names a binding or array "
               "range the set's layout does not have: ignored");
   if (!set->vendor)
      return;
   if (!tmpl->vendor) {
      /* A template made for a layout Kronos models, used on a compatible vendor set. */
      kr_error("vkUpdateDescriptorSetWithTemplate: the template was made for another set "
               "layout than this set's: not updated");
      return;
   }
   kr_stats_add_local(&device->stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES, 1);
   device->disp.UpdateDescriptorSetWithTemplate(device->handle, set->vendor, tmpl->vendor, pData);
}
