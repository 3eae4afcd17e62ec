/* SPDX-License-Identifier: MIT */
/* Commands that name descriptor sets, pipeline layouts and pipelines: binding finds each
 * record's vendor set in the device's cache (held by the command buffer until it is reset, begun
 * again or freed); the rest unwraps Kronos's pipeline layouts and templates. The barrier policy
 * learns what is bound (kr_barrier_record.h). */
#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_profile_hooks.h"
#include "kr_scratch.h"
#include "kr_util.h"

/* A command buffer's latest holds looked at before taking another on the same entry. */
#define RECENT_HOLDS 8u

/* Lets go of the carried holds, NULL where one moved to `held`. The cache's lock is held. */
static void
release_carried_locked(struct kr_command_buffer *cb)
{
   uint32_t n = 0;
   if (cb->carried_moved < cb->carried_count) {
      for (uint32_t i = 0; i < cb->carried_count; i++) {
         if (cb->carried[i])
            cb->carried[n++] = cb->carried[i];
      }
   }
   kr_descriptor_cache_release_locked(&cb->device->descriptor_cache, cb->carried, n);
   cb->carried_count = 0;
   cb->carried_moved = 0;
}

/* Binds from the command buffer's own holds (rebind_held) are counted in the command buffer and
 * reach the statistics when its recording ends or its holds move or go, so none is lost with a
 * recording that never ends. */
static void
count_hits(struct kr_command_buffer *cb)
{
   if (!cb->counts.descriptor_cache_hits)
      return;
   kr_stats_add(&cb->device->stats, KR_STAT_DESCRIPTOR_CACHE_HITS,
                cb->counts.descriptor_cache_hits);
   cb->counts.descriptor_cache_hits = 0;
}

void
kr_command_buffer_release_descriptors(struct kr_command_buffer *cb)
{
   count_hits(cb);
   if (!cb->carried_count && !cb->held_count)
      return;
   struct kr_descriptor_cache *cache = &cb->device->descriptor_cache;
   kr_descriptor_cache_lock(cache);
   release_carried_locked(cb);
   kr_descriptor_cache_release_locked(cache, cb->held, cb->held_count);
   kr_descriptor_cache_unlock(cache);
   cb->held_count = 0;
}

void
kr_command_buffer_end_descriptors(struct kr_command_buffer *cb)
{
   count_hits(cb);
   if (!cb->carried_count)
      return;
   struct kr_descriptor_cache *cache = &cb->device->descriptor_cache;
   kr_descriptor_cache_lock(cache);
   release_carried_locked(cb);
   kr_descriptor_cache_unlock(cache);
}

void
kr_command_buffer_carry_descriptors(struct kr_command_buffer *cb)
{
   count_hits(cb);
   /* Nothing held: a reset before this begin carried them already (or nothing was bound). */
   if (!cb->held_count)
      return;
   kr_command_buffer_end_descriptors(cb); /* the recording before one that never ended */
   struct kr_cache_entry **held = cb->held;
   uint32_t capacity = cb->held_capacity;
   cb->held = cb->carried;
   cb->held_capacity = cb->carried_capacity;
   cb->carried = held;
   cb->carried_capacity = capacity;
   cb->carried_count = cb->held_count;
   cb->carried_moved = 0;
   cb->held_count = 0;
}

void
kr_command_buffer_reset_descriptors(struct kr_command_buffer *cb, bool release_resources)
{
   if (release_resources)
      kr_command_buffer_release_descriptors(cb);
   else
      kr_command_buffer_carry_descriptors(cb);
}

/* Room for one more hold; false when out of memory. */
static bool
hold_room(struct kr_command_buffer *cb)
{
   return cb->held_count < cb->held_capacity ||
          kr_array_grow(cb->pool->alloc, (void **)&cb->held, &cb->held_capacity, cb->held_count,
                        (uint64_t)cb->held_count + 1, sizeof(*cb->held), 16) == VK_SUCCESS;
}

/* Appends a hold to this recording's (hold_room first) and points the set's hint at it. A
 * recording that binds its sets in the order of the one before finds each hint pointing there
 * already: the set's line is then left clean (nothing to write back when it leaves the CPU's
 * cache). */
static void
append_hold(struct kr_command_buffer *cb, struct kr_descriptor_set *set,
            struct kr_cache_entry *entry)
{
   if (atomic_load_explicit(&set->hold_hint, memory_order_relaxed) != cb->held_count)
      atomic_store_explicit(&set->hold_hint, cb->held_count, memory_order_relaxed);
   cb->held[cb->held_count++] = entry;
}

/* Keeps a new hold until the command buffer lets go; false when out of memory (the hold is
 * released at once and the recording fails). The cache's lock is held. */
static bool
keep_hold(struct kr_command_buffer *cb, struct kr_descriptor_set *set,
          struct kr_cache_entry *entry)
{
   if (!hold_room(cb)) {
      kr_descriptor_cache_release_locked(&cb->device->descriptor_cache, &entry, 1);
      kr_error("vkCmdBindDescriptorSets: out of host memory for the command buffer's sets");
      cb->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return false;
   }
   append_hold(cb, set, entry);
   return true;
}

/* Where this command buffer holds `entry`, the entry a set's clean record is linked to (its
 * bound_entry), found through the set's hint: in this recording's holds, in those carried from
 * the one before, or not (the hint is only a hint: the command buffer's own arrays decide). An
 * entry held but unlinked since (an object it names was destroyed) counts as not held: it is
 * looked up again under the lock, and a carried hold on it stays carried, to be let go when this
 * recording ends. No side effect, no call. */
enum hold_place { NOT_HELD, IN_HELD, IN_CARRIED };

static inline __attribute__((always_inline)) enum hold_place
hold_place(const struct kr_command_buffer *cb, struct kr_descriptor_set *set,
           struct kr_cache_entry *entry, uint32_t *hint)
{
   *hint = atomic_load_explicit(&set->hold_hint, memory_order_relaxed);
   enum hold_place place = NOT_HELD;
   if (*hint < cb->held_count && cb->held[*hint] == entry)
      place = IN_HELD;
   else if (*hint < cb->carried_count && cb->carried[*hint] == entry)
      place = IN_CARRIED;
   /* Held, so not freed: its link can be read. */
   if (place != NOT_HELD && !atomic_load_explicit(&entry->linked, memory_order_relaxed))
      place = NOT_HELD;
   return place;
}

/* Binds through a hold found by hold_place: a carried one moves to this recording (room for it
 * made first), and the hit is counted. */
static inline __attribute__((always_inline)) void
take_hold(struct kr_command_buffer *cb, struct kr_descriptor_set *set,
          struct kr_cache_entry *entry, enum hold_place place, uint32_t hint)
{
   if (place == IN_CARRIED) {
      cb->carried[hint] = NULL;
      cb->carried_moved++;
      append_hold(cb, set, entry);
   }
   cb->counts.descriptor_cache_hits++;
}

/* Binding a set whose record is clean and linked to `entry` again, without the cache: true when
 * this command buffer already holds the entry (hold_place), then bound through that hold. Equal
 * to what the cache would answer: the entry of the record's content, held. */
static inline __attribute__((always_inline)) bool
rebind_held(struct kr_command_buffer *cb, struct kr_descriptor_set *set,
            struct kr_cache_entry *entry)
{
   uint32_t hint;
   enum hold_place place = hold_place(cb, set, entry, &hint);
   if (place == NOT_HELD || (place == IN_CARRIED && !hold_room(cb)))
      return false;
   take_hold(cb, set, entry, place, hint);
   return true;
}

/* The vendor set to bind for a Kronos set; VK_NULL_HANDLE where none could be had (recorded as
 * the command buffer's error). The cache's lock is taken on the first set that needs it and
 * kept for the rest of the command (*locked). */
static VkDescriptorSet
vendor_set_for(struct kr_command_buffer *cb, VkDescriptorSet handle, bool *locked,
               struct kr_cache_entry **held)
{
   *held = NULL;
   struct kr_descriptor_set *set = kr_descriptor_set_from_handle(handle);
   if (!set)
      return VK_NULL_HANDLE;
   if (!set->is_record)
      return set->vendor; /* a vendor set (its layout is not modeled) */
   struct kr_cache_entry *bound = kr_descriptor_record_bound_entry(&set->record);
   if (bound && rebind_held(cb, set, bound)) {
      *held = bound;
      return (VkDescriptorSet)bound->vendor_set;
   }
   struct kr_descriptor_cache *cache = &cb->device->descriptor_cache;
   if (!*locked) {
      kr_descriptor_cache_lock(cache);
      *locked = true;
   }
   struct kr_cache_entry *entry;
   bool new_hold;
   uint32_t recent = KR_MIN(cb->held_count, RECENT_HOLDS);
   VkResult result = kr_descriptor_cache_bind_locked(cache, set->layout, &set->record,
                                                     cb->descriptor_holder,
                                                     recent ? cb->held + cb->held_count - recent
                                                            : NULL,
                                                     recent, &entry, &new_hold);
   if (result != VK_SUCCESS) {
      /* vkEndCommandBuffer may report only memory errors: a vendor pool that refused a set is
       * out of device memory to the application. */
      bool memory = result == VK_ERROR_OUT_OF_HOST_MEMORY ||
                    result == VK_ERROR_OUT_OF_DEVICE_MEMORY;
      cb->record_result = memory ? result : VK_ERROR_OUT_OF_DEVICE_MEMORY;
      return VK_NULL_HANDLE;
   }
   VkDescriptorSet vendor = (VkDescriptorSet)entry->vendor_set;
   if (new_hold) {
      if (!keep_hold(cb, set, entry))
         return VK_NULL_HANDLE;
   } else {
      /* Held already, often through another set of the same content: point this set's hint
       * at the hold too, where it is among the latest, so its next bind needs no lookup. */
      for (uint32_t i = cb->held_count - recent; i < cb->held_count; i++) {
         if (cb->held[i] == entry) {
            atomic_store_explicit(&set->hold_hint, i, memory_order_relaxed);
            break;
         }
      }
   }
   *held = entry;
   return vendor;
}

/* Binds the sets, their vendor sets gathered in `vendor` and the cache entries they came from
 * (held by the command buffer; NULL for unmodeled sets) in `entries` (room for
 * descriptorSetCount each). */
static void
bind_sets(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point, VkPipelineLayout layout,
          uint32_t first_set, uint32_t set_count, const VkDescriptorSet *sets,
          uint32_t dynamic_count, const uint32_t *dynamic_offsets, VkDescriptorSet *vendor,
          struct kr_cache_entry **entries)
{
   bool complete = true, locked = false;
   for (uint32_t i = 0; i < set_count; i++) {
      vendor[i] = vendor_set_for(cb, sets[i], &locked, &entries[i]);
      complete &= vendor[i] != VK_NULL_HANDLE || sets[i] == VK_NULL_HANDLE;
   }
   if (locked)
      kr_descriptor_cache_unlock(&cb->device->descriptor_cache);
   /* A set without its vendor set is not bound: vkEndCommandBuffer reports why. */
   if (!complete)
      return;
   kr_barrier_bind_sets(cb, bind_point, first_set, set_count, sets, entries, dynamic_count,
                        dynamic_offsets);
   cb->disp->CmdBindDescriptorSets(cb->handle, bind_point, kr_pipeline_layout_vendor(layout),
                                   first_set, set_count, vendor, dynamic_count, dynamic_offsets);
}

/* A set to bind through a hold this command buffer has (hold_place), found without a change,
 * a call or the cache: the set's clean record is linked to an entry held here, and a carried
 * hold has room to move. */
struct quick_hold {
   struct kr_descriptor_set *set;
   struct kr_cache_entry *entry;
   enum hold_place place;
   uint32_t hint;
};

static inline __attribute__((always_inline)) bool
find_quick_hold(const struct kr_command_buffer *cb, VkDescriptorSet handle,
                struct quick_hold *q)
{
   q->set = kr_descriptor_set_from_handle(handle);
   if (!q->set || !q->set->is_record)
      return false;
   q->entry = kr_descriptor_record_bound_entry(&q->set->record);
   if (!q->entry)
      return false;
   q->place = hold_place(cb, q->set, q->entry, &q->hint);
   return q->place == IN_HELD || (q->place == IN_CARRIED && cb->held_count < cb->held_capacity);
}

/* A held set's bind (its hold taken) that the barrier policy must take as it is, then the
 * vendor's. Out of line, so that the quick bind needs no frame. */
static void __attribute__((noinline))
bind_held_tracked(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                  VkPipelineLayout layout, uint32_t index, struct kr_descriptor_set *set,
                  struct kr_cache_entry *entry, uint32_t dynamic_count,
                  const uint32_t *dynamic_offsets)
{
   kr_barrier_bind_one_set(cb, bind_point, index, set, entry, dynamic_count, dynamic_offsets);
   cb->disp->CmdBindDescriptorSets(cb->handle, bind_point, kr_pipeline_layout_vendor(layout),
                                   index, 1, &entry->vendor_handle, dynamic_count,
                                   dynamic_offsets);
}

/* Sets bound by one command that fit in a small array on the stack; more take scratch memory,
 * out of line so the common case's frame stays small. */
#define STACK_SETS 8u

static void __attribute__((noinline))
bind_many_sets(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
               VkPipelineLayout layout, uint32_t first_set, uint32_t set_count,
               const VkDescriptorSet *sets, uint32_t dynamic_count,
               const uint32_t *dynamic_offsets)
{
   struct kr_scratch scratch;
   /* The vendor sets, then the entries (both 8-byte elements). */
   _Static_assert(sizeof(VkDescriptorSet) == sizeof(struct kr_cache_entry *),
                  "the entries follow the vendor sets without padding");
   VkDescriptorSet *vendor = kr_scratch_get(&scratch, cb->pool->alloc,
                                            2 * sizeof(*vendor) * set_count);
   if (!vendor) {
      kr_error("vkCmdBindDescriptorSets: out of host memory");
      cb->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return;
   }
   bind_sets(cb, bind_point, layout, first_set, set_count, sets, dynamic_count, dynamic_offsets,
             vendor, (struct kr_cache_entry **)(vendor + set_count));
   kr_scratch_put(&scratch);
}

/* Any bind but a quick one: out of line, so that the quick bind needs no frame. */
static void __attribute__((noinline))
bind_any_sets(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
              VkPipelineLayout layout, uint32_t first_set, uint32_t set_count,
              const VkDescriptorSet *sets, uint32_t dynamic_count,
              const uint32_t *dynamic_offsets)
{
   if (set_count > STACK_SETS) {
      bind_many_sets(cb, bind_point, layout, first_set, set_count, sets, dynamic_count,
                     dynamic_offsets);
      return;
   }
   VkDescriptorSet vendor[STACK_SETS];
   struct kr_cache_entry *entries[STACK_SETS];
   bind_sets(cb, bind_point, layout, first_set, set_count, sets, dynamic_count,
             dynamic_offsets, vendor, entries);
}

/* The commonest bind, one set whose cached vendor set this command buffer already holds
 * (find_quick_hold), is bound inline, and where the barrier policy keeps it back or does not
 * follow it, without a call before the vendor's: the vendor gets the address of the entry's
 * own handle (a held entry's vendor set never changes), so no frame is needed. */
VKAPI_ATTR void VKAPI_CALL
kr_CmdBindDescriptorSets(VkCommandBuffer commandBuffer, VkPipelineBindPoint pipelineBindPoint,
                         VkPipelineLayout layout, uint32_t firstSet, uint32_t descriptorSetCount,
                         const VkDescriptorSet *pDescriptorSets, uint32_t dynamicOffsetCount,
                         const uint32_t *pDynamicOffsets)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   struct quick_hold q;
   if (descriptorSetCount != 1 || !find_quick_hold(cb, pDescriptorSets[0], &q)) {
      bind_any_sets(cb, pipelineBindPoint, layout, firstSet, descriptorSetCount,
                    pDescriptorSets, dynamicOffsetCount, pDynamicOffsets);
      return;
   }
   take_hold(cb, q.set, q.entry, q.place, q.hint);
   switch (kr_barrier_one_set_way(&cb->barrier, pipelineBindPoint, firstSet,
                                  dynamicOffsetCount)) {
   case KR_BARRIER_BIND_OTHER:
      bind_held_tracked(cb, pipelineBindPoint, layout, firstSet, q.set, q.entry,
                        dynamicOffsetCount, pDynamicOffsets);
      return;
   case KR_BARRIER_BIND_KEPT:
      kr_barrier_keep_one_set(&cb->barrier, firstSet, q.set, q.entry);
      break;
   case KR_BARRIER_BIND_IGNORED:
      break;
   }
   cb->disp->CmdBindDescriptorSets(cb->handle, pipelineBindPoint,
                                   kr_pipeline_layout_vendor(layout), firstSet, 1,
                                   &q.entry->vendor_handle, dynamicOffsetCount, pDynamicOffsets);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushConstants(VkCommandBuffer commandBuffer, VkPipelineLayout layout,
                    VkShaderStageFlags stageFlags, uint32_t offset, uint32_t size,
                    const void *pValues)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->disp->CmdPushConstants(cb->handle, kr_pipeline_layout_vendor(layout), stageFlags, offset,
                              size, pValues);
}

/* Application push descriptors pass through: vendor work on every push, counted as such. */
VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSetKHR(VkCommandBuffer commandBuffer, VkPipelineBindPoint pipelineBindPoint,
                           VkPipelineLayout layout, uint32_t set, uint32_t descriptorWriteCount,
                           const VkWriteDescriptorSet *pDescriptorWrites)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.descriptor_writes += descriptorWriteCount;
   cb->counts.descriptor_pushes++;
   kr_barrier_push_set(cb, pipelineBindPoint, set);
   cb->disp->CmdPushDescriptorSetKHR(cb->handle, pipelineBindPoint,
                                     kr_pipeline_layout_vendor(layout), set,
                                     descriptorWriteCount, pDescriptorWrites);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSetWithTemplateKHR(VkCommandBuffer commandBuffer,
                                       VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                       VkPipelineLayout layout, uint32_t set, const void *pData)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.descriptor_writes++;
   cb->counts.descriptor_pushes++;
   kr_barrier_push_set(cb, VK_PIPELINE_BIND_POINT_COMPUTE, set);
   cb->disp->CmdPushDescriptorSetWithTemplateKHR(
      cb->handle, kr_descriptor_update_template_from_handle(descriptorUpdateTemplate)->vendor,
      kr_pipeline_layout_vendor(layout), set, pData);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateComputePipelines(VkDevice _device, VkPipelineCache pipelineCache,
                          uint32_t createInfoCount, const VkComputePipelineCreateInfo *pCreateInfos,
                          const VkAllocationCallbacks *pAllocator, VkPipeline *pPipelines)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_scratch scratch;
   VkComputePipelineCreateInfo *infos =
      kr_scratch_get(&scratch, device->alloc, sizeof(*infos) * (createInfoCount + 1));
   if (!infos) {
      /* No pipeline was made: the spec wants VK_NULL_HANDLE in every entry of pPipelines
       * ("Multiple Pipeline Creation"), not what the application's array held. */
      for (uint32_t i = 0; i < createInfoCount; i++)
         pPipelines[i] = VK_NULL_HANDLE;
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   for (uint32_t i = 0; i < createInfoCount; i++) {
      infos[i] = pCreateInfos[i];
      infos[i].layout = kr_pipeline_layout_vendor(infos[i].layout);
   }
   VkResult result = device->disp.CreateComputePipelines(device->handle, pipelineCache,
                                                         createInfoCount, infos, pAllocator,
                                                         pPipelines);
   /* Each pipeline made (some may be, even on failure) is reflected for the barrier policy. */
   if (result == VK_SUCCESS || result == VK_PIPELINE_COMPILE_REQUIRED)
      kr_barrier_pipelines_created(device, createInfoCount, pCreateInfos, pPipelines);
   if (result == VK_SUCCESS || result == VK_PIPELINE_COMPILE_REQUIRED)
      kr_profile_pipelines_created(device, createInfoCount, pCreateInfos, pPipelines);
   kr_scratch_put(&scratch);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdBindPipeline(VkCommandBuffer commandBuffer, VkPipelineBindPoint pipelineBindPoint,
                   VkPipeline pipeline)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_barrier_bind_pipeline(cb, pipelineBindPoint, pipeline);
   kr_profile_bind_pipeline(cb, pipelineBindPoint, pipeline);
   cb->disp->CmdBindPipeline(cb->handle, pipelineBindPoint, pipeline);
}
