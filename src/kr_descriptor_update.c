/* SPDX-License-Identifier: MIT */
/* Descriptor updates (vkUpdateDescriptorSets): records change with no vendor call; vendor sets
 * (layouts Kronos does not model) get the vendor's update, and their shadow records follow. */
#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_scratch.h"
#include "kr_util.h"

/* An update that names what the layout lacks is invalid usage: the record is left as it was. */
static void
invalid_update(const char *what)
{
   kr_error("vkUpdateDescriptorSets: %s names a binding or array range its set's layout does "
            "not have: ignored",
            what);
}

/* Writes a copy from a record into a vendor set: one vendor write per descriptor (a binding of
 * the destination can differ from the source's), or one for an inline block's bytes. */
static void
copy_record_to_vendor(struct kr_device *device, const struct kr_descriptor_set *src,
                      const struct kr_descriptor_set *dst, const VkCopyDescriptorSet *copy)
{
   uint32_t from, to;
   bool inline_src, inline_dst;
   const struct kr_set_layout_model *dst_model = &dst->layout->model;
   if (!kr_descriptor_record_locate(&src->layout->model, copy->srcBinding,
                                    copy->srcArrayElement, copy->descriptorCount, &from,
                                    &inline_src) ||
       !kr_descriptor_record_locate(dst_model, copy->dstBinding, copy->dstArrayElement,
                                    copy->descriptorCount, &to, &inline_dst) ||
       inline_src != inline_dst) {
      invalid_update("a VkCopyDescriptorSet");
      return;
   }
   if (inline_src) {
      const VkWriteDescriptorSetInlineUniformBlock block = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
         .dataSize = copy->descriptorCount,
         .pData = src->record.inline_bytes + from,
      };
      const VkWriteDescriptorSet write = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .pNext = &block,
         .dstSet = dst->vendor,
         .dstBinding = copy->dstBinding,
         .dstArrayElement = copy->dstArrayElement,
         .descriptorCount = copy->descriptorCount,
         .descriptorType = VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK,
      };
      kr_vendor_update_descriptor_sets(device, 1, &write, 0, NULL);
      return;
   }
   /* One vendor write per descriptor, from the stack: copies between the two kinds of set are
    * rare, and this path then needs no memory. */
   for (uint32_t i = 0; i < copy->descriptorCount; i++) {
      const struct kr_descriptor d = kr_descriptor_record_read(&src->record, from + i);
      const struct kr_binding_model *b = kr_set_layout_model_binding_of(dst_model, to + i);
      if (!d.state || !b)
         continue; /* never written: nothing to copy */
      const VkDescriptorImageInfo image = {(VkSampler)d.sampler, (VkImageView)d.object,
                                           (VkImageLayout)d.layout};
      const VkDescriptorBufferInfo buffer = {(VkBuffer)d.object, d.offset, d.range};
      const VkBufferView view = (VkBufferView)d.object;
      const VkWriteDescriptorSet write = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = dst->vendor,
         .dstBinding = b->binding,
         .dstArrayElement = to + i - b->first,
         .descriptorCount = 1,
         .descriptorType = (VkDescriptorType)(d.state - 1),
         .pImageInfo = &image,
         .pBufferInfo = &buffer,
         .pTexelBufferView = &view,
      };
      kr_vendor_update_descriptor_sets(device, 1, &write, 0, NULL);
   }
}

/* One copy, after every write of the call (the spec's order). */
static void
apply_copy(struct kr_device *device, const VkCopyDescriptorSet *copy)
{
   struct kr_descriptor_set *src = kr_descriptor_set_from_handle(copy->srcSet);
   struct kr_descriptor_set *dst = kr_descriptor_set_from_handle(copy->dstSet);
   bool readable = src->has_record && !src->shadow_lost;
   if (readable)
      kr_descriptor_cache_settle_record(&device->descriptor_cache, &src->record);
   if (dst->vendor) {
      if (src->vendor) {
         VkCopyDescriptorSet vendor_copy = *copy;
         vendor_copy.srcSet = src->vendor;
         vendor_copy.dstSet = dst->vendor;
         kr_vendor_update_descriptor_sets(device, 0, NULL, 1, &vendor_copy);
      } else {
         copy_record_to_vendor(device, src, dst, copy);
      }
   }
   if (!dst->has_record)
      return;
   if (!readable) {
      /* A vendor set Kronos cannot read (mutable descriptors) copied into a record. */
      if (dst->vendor) {
         dst->shadow_lost = true;
      } else {
         kr_error("vkUpdateDescriptorSets: copying from a set of a layout Kronos does not "
                  "model (mutable descriptors) into a set it models is not supported: ignored");
      }
      return;
   }
   if (!kr_descriptor_record_copy(&dst->record, &src->record, copy))
      invalid_update("a VkCopyDescriptorSet");
}

/* The writes from `first` on, some of them into vendor sets: those go to the vendor in one
 * call, from a scratch copy with their vendor sets; without memory for it, one call per write
 * (vkUpdateDescriptorSets cannot fail). Records are written as they come. */
static void __attribute__((noinline))
write_with_vendor_sets(struct kr_device *device, uint32_t first, uint32_t count,
                       const VkWriteDescriptorSet *writes)
{
   struct kr_scratch scratch;
   VkWriteDescriptorSet *vendor_writes = NULL;
   bool one_by_one = false;
   uint32_t vendor_count = 0;
   for (uint32_t i = first; i < count; i++) {
      const VkWriteDescriptorSet *write = &writes[i];
      struct kr_descriptor_set *set = kr_descriptor_set_from_handle(write->dstSet);
      if (set->has_record && !kr_descriptor_record_write(&set->record, write))
         invalid_update("a VkWriteDescriptorSet");
      if (!set->vendor)
         continue;
      VkWriteDescriptorSet vendor_write = *write;
      vendor_write.dstSet = set->vendor;
      if (!vendor_writes && !one_by_one) {
         vendor_writes = kr_scratch_get(&scratch, device->alloc,
                                        sizeof(*vendor_writes) * (count - i));
         one_by_one = !vendor_writes;
      }
      if (one_by_one)
         kr_vendor_update_descriptor_sets(device, 1, &vendor_write, 0, NULL);
      else
         vendor_writes[vendor_count++] = vendor_write;
   }
   if (vendor_writes) {
      kr_vendor_update_descriptor_sets(device, vendor_count, vendor_writes, 0, NULL);
      kr_scratch_put(&scratch);
   }
}

/* Every write from `first` on, then the copies, and the statistic: the general path. Writes
 * into records change them and nothing else; at the first write into a vendor set, the rest go
 * the way that gathers the vendor's writes. */
static void __attribute__((noinline))
update_from(struct kr_device *device, uint32_t first, uint32_t write_count,
            const VkWriteDescriptorSet *writes, uint32_t copy_count,
            const VkCopyDescriptorSet *copies)
{
   for (uint32_t i = first; i < write_count; i++) {
      const VkWriteDescriptorSet *write = &writes[i];
      struct kr_descriptor_set *set = kr_descriptor_set_from_handle(write->dstSet);
      if (set->vendor) {
         write_with_vendor_sets(device, i, write_count, writes);
         break;
      }
      if (set->has_record && !kr_descriptor_record_write(&set->record, write))
         invalid_update("a VkWriteDescriptorSet");
   }
   for (uint32_t i = 0; i < copy_count; i++)
      apply_copy(device, &copies[i]);
   kr_stats_add_local(&device->stats, KR_STAT_APP_DESCRIPTOR_WRITES,
                      (uint64_t)write_count + copy_count);
}

VKAPI_ATTR void VKAPI_CALL
kr_UpdateDescriptorSets(VkDevice _device, uint32_t descriptorWriteCount,
                        const VkWriteDescriptorSet *pDescriptorWrites,
                        uint32_t descriptorCopyCount, const VkCopyDescriptorSet *pDescriptorCopies)
{
   struct kr_device *device = kr_device_from_handle(_device);
   /* The common case without a call before the end (kr_descriptor_record_rewrite): writes
    * into records that store what the descriptor holds already, then the statistic, whose
    * rare slow path is a tail call. The first other write, and any copy, go the general way
    * (which adds the statistic itself). */
   uint32_t i = 0;
   for (; i < descriptorWriteCount; i++) {
      const VkWriteDescriptorSet *write = &pDescriptorWrites[i];
      struct kr_descriptor_set *set = kr_descriptor_set_from_handle(write->dstSet);
      /* The record's descriptors follow the set: their first line loads alongside the set's
       * (a set cold in the cache costs one miss's wait, not two in a row). */
      __builtin_prefetch(set + 1);
      if (!set->is_record || !kr_descriptor_record_rewrite(&set->record, write))
         break;
   }
   if (i < descriptorWriteCount || descriptorCopyCount) {
      update_from(device, i, descriptorWriteCount, pDescriptorWrites, descriptorCopyCount,
                  pDescriptorCopies);
      return;
   }
   kr_stats_add_local(&device->stats, KR_STAT_APP_DESCRIPTOR_WRITES, descriptorWriteCount);
}
