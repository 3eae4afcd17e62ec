/* SPDX-License-Identifier: MIT */
/* Timeline-semaphore submit batching: the state machine (see kr_batch.h). */
#include "kr_batch.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_scratch.h"

#define KR_BATCH_MIN_CAPACITY 16u

/* Grows owner->array, whose counters are owner->stem_count and owner->stem_capacity. */
#define GROW(alloc, owner, array, stem, extra)                                                 \
   kr_array_grow((alloc), (void **)&(owner)->array, &(owner)->stem##_capacity,              \
                 (owner)->stem##_count, (uint64_t)(owner)->stem##_count + (extra),          \
                 sizeof(*(owner)->array), KR_BATCH_MIN_CAPACITY)

void
kr_batch_init(struct kr_batch *b, const VkAllocationCallbacks *alloc, uint64_t timeline,
              const struct kr_batch_settings *settings)
{
   memset(b, 0, sizeof(*b));
   b->alloc = alloc;
   b->timeline = timeline;
   b->settings = *settings;
   if (b->settings.limit == 0)
      b->settings.limit = 1;
   b->next_value = 1;
   b->flushed_value = 0;
}

void
kr_batch_finish(struct kr_batch *b)
{
   kr_free(b->alloc, b->records);
   kr_free(b->alloc, b->command_buffers);
   kr_free(b->alloc, b->waits);
   kr_free(b->alloc, b->signals);
   kr_free(b->alloc, b->resources);
   memset(b, 0, sizeof(*b));
}

VkResult
kr_batch_reserve(struct kr_batch *b, uint32_t submits, uint32_t command_buffers, uint32_t waits,
                 uint32_t signals, uint32_t resources)
{
   VkResult result = GROW(b->alloc, b, records, record, submits);
   if (result == VK_SUCCESS)
      result = GROW(b->alloc, b, command_buffers, command_buffer, command_buffers);
   if (result == VK_SUCCESS)
      result = GROW(b->alloc, b, waits, wait, waits);
   if (result == VK_SUCCESS)
      result = GROW(b->alloc, b, signals, signal, signals);
   if (result == VK_SUCCESS)
      result = GROW(b->alloc, b, resources, resource, resources);
   return result;
}

static VkResult
reserve_submit(struct kr_batch *b, const struct kr_batch_submit *s)
{
   return kr_batch_reserve(b, 1, s->command_buffer_count, s->wait_count, s->signal_count,
                           s->resource_count);
}

/* Copies count elements of size bytes to the end of array, at index *used; returns the index. */
static uint32_t
push(void *array, uint32_t *used, const void *elements, uint32_t count, size_t size)
{
   uint32_t first = *used;
   if (count)
      memcpy((char *)array + (size_t)first * size, elements, (size_t)count * size);
   *used += count;
   return first;
}

/* Whether the submit must start a new timeline value: it waits on something the host or
 * another queue may provide only after the host waited on an earlier submit's fence. */
static bool
opens_value(const struct kr_batch *b, const struct kr_batch_submit *s)
{
   return b->record_count > 0 && (s->wait_count > 0 || s->waits_on_events);
}

/* The last record ends the value next_value, which is signalled if one of its submits is
 * observed; the next record starts a new value. */
static void
close_value(struct kr_batch *b)
{
   struct kr_batch_record *last = &b->records[b->record_count - 1];
   last->closes_value = b->next_value++;
   last->signals_value = b->value_observed;
   b->value_observed = false;
}

VkResult
kr_batch_append(struct kr_batch *b, const struct kr_batch_submit *submit,
                struct kr_batch_point *point, uint64_t now_ns, bool *flush_now)
{
   VkResult result = reserve_submit(b, submit);
   if (result != VK_SUCCESS)
      return result;

   if (opens_value(b, submit))
      close_value(b);

   struct kr_batch_record *r = &b->records[b->record_count];
   r->command_buffer_count = submit->command_buffer_count;
   r->command_buffer_first = push(b->command_buffers, &b->command_buffer_count,
                                  submit->command_buffers, submit->command_buffer_count,
                                  sizeof(void *));
   r->wait_count = submit->wait_count;
   r->wait_first = push(b->waits, &b->wait_count, submit->waits, submit->wait_count,
                        sizeof(struct kr_batch_point));
   r->signal_count = submit->signal_count;
   r->signal_first = push(b->signals, &b->signal_count, submit->signals, submit->signal_count,
                          sizeof(struct kr_batch_point));
   r->resource_count = submit->resource_count;
   r->resource_first = push(b->resources, &b->resource_count, submit->resources,
                            submit->resource_count, sizeof(uint64_t));
   r->flags = submit->flags;
   r->closes_value = 0;
   r->signals_value = false;
   b->value_observed |= !submit->unobserved;
   if (b->record_count == 0)
      b->oldest_ns = now_ns;
   b->record_count++;
   b->stats.app_submits++;

   if (point)
      *point = kr_batch_pending_point(b);
   *flush_now = kr_batch_needs_flush(b, KR_FLUSH_FULL, now_ns);
   return VK_SUCCESS;
}

bool
kr_batch_needs_flush(const struct kr_batch *b, enum kr_flush_reason trigger, uint64_t now_ns)
{
   if (kr_batch_is_empty(b))
      return false;
   switch (trigger) {
   case KR_FLUSH_FULL:
      return b->record_count >= b->settings.limit;
   case KR_FLUSH_OBSERVED:
      return true;
   case KR_FLUSH_TIMEOUT:
      return now_ns >= b->oldest_ns && now_ns - b->oldest_ns >= b->settings.time_bound_ns;
   default:
      return false;
   }
}

static bool
points_name(const struct kr_batch_point *points, uint32_t count, uint64_t semaphore)
{
   for (uint32_t i = 0; i < count; i++) {
      if (points[i].semaphore == semaphore)
         return true;
   }
   return false;
}

bool
kr_batch_observes_point(const struct kr_batch *b, struct kr_batch_point point)
{
   if (kr_batch_is_empty(b))
      return false;
   if (point.semaphore == b->timeline)
      return point.value > b->flushed_value;
   return points_name(b->signals, b->signal_count, point.semaphore);
}

bool
kr_batch_uses_resource(const struct kr_batch *b, uint64_t id)
{
   for (uint32_t i = 0; i < b->command_buffer_count; i++) {
      if ((uint64_t)(uintptr_t)b->command_buffers[i] == id)
         return true;
   }
   for (uint32_t i = 0; i < b->resource_count; i++) {
      if (b->resources[i] == id)
         return true;
   }
   return points_name(b->waits, b->wait_count, id) ||
          points_name(b->signals, b->signal_count, id);
}

void
kr_batch_flush_plan_init(struct kr_batch_flush_plan *plan, const VkAllocationCallbacks *alloc)
{
   memset(plan, 0, sizeof(*plan));
   plan->alloc = alloc;
}

void
kr_batch_flush_plan_finish(struct kr_batch_flush_plan *plan)
{
   kr_free(plan->alloc, plan->infos);
   kr_free(plan->alloc, plan->command_buffers);
   kr_free(plan->alloc, plan->semaphores);
   kr_free(plan->alloc, plan->resources);
   memset(plan, 0, sizeof(*plan));
}

static bool
record_has_semaphores(const struct kr_batch_record *r)
{
   return r->wait_count || r->signal_count;
}

/* Room in the plan for the whole batch: at most one info per record, and a timeline signal per
 * record besides every wait and signal. */
static VkResult
reserve_plan(struct kr_batch_flush_plan *plan, const struct kr_batch *b)
{
   plan->info_count = plan->command_buffer_count = plan->semaphore_count = 0;
   plan->resource_count = 0;
   VkResult result = GROW(plan->alloc, plan, infos, info, b->record_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, command_buffers, command_buffer, b->command_buffer_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, semaphores, semaphore,
                    (uint64_t)b->wait_count + b->signal_count + b->record_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, resources, resource, b->resource_count);
   return result;
}

static void
plan_semaphore(struct kr_batch_flush_plan *plan, struct kr_batch_point point)
{
   plan->semaphores[plan->semaphore_count++] = (VkSemaphoreSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
      .semaphore = (VkSemaphore)(uintptr_t)point.semaphore,
      .value = point.value,
      .stageMask = point.stage,
   };
}

static void
plan_command_buffers(struct kr_batch_flush_plan *plan, const struct kr_batch *b,
                     const struct kr_batch_record *r)
{
   for (uint32_t c = 0; c < r->command_buffer_count; c++) {
      plan->command_buffers[plan->command_buffer_count++] = (VkCommandBufferSubmitInfo){
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
         .commandBuffer = b->command_buffers[r->command_buffer_first + c],
      };
   }
}

/* Opens a new info for the record: its waits, its command buffers, its signals. */
static VkSubmitInfo2 *
plan_open_info(struct kr_batch_flush_plan *plan, const struct kr_batch *b,
               const struct kr_batch_record *r)
{
   VkSubmitInfo2 *info = &plan->infos[plan->info_count++];
   *info = (VkSubmitInfo2){.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2, .flags = r->flags};
   info->pWaitSemaphoreInfos = &plan->semaphores[plan->semaphore_count];
   info->waitSemaphoreInfoCount = r->wait_count;
   for (uint32_t w = 0; w < r->wait_count; w++)
      plan_semaphore(plan, b->waits[r->wait_first + w]);
   info->pCommandBufferInfos = &plan->command_buffers[plan->command_buffer_count];
   info->commandBufferInfoCount = r->command_buffer_count;
   plan_command_buffers(plan, b, r);
   info->pSignalSemaphoreInfos = &plan->semaphores[plan->semaphore_count];
   info->signalSemaphoreInfoCount = r->signal_count;
   for (uint32_t s = 0; s < r->signal_count; s++)
      plan_semaphore(plan, b->signals[r->signal_first + s]);
   return info;
}

/* Builds the infos. A plain record (no semaphores) joins the previous info when that one is
 * plain too, has the same flags and does not end with a timeline signal (which closes an info:
 * the semaphores of an info are contiguous, its timeline signal last). */
static void
build_plan(struct kr_batch_flush_plan *plan, const struct kr_batch *b)
{
   VkSubmitInfo2 *open = NULL; /* the plain info records may still join */
   for (uint32_t i = 0; i < b->record_count; i++) {
      const struct kr_batch_record *r = &b->records[i];
      bool plain = !record_has_semaphores(r);
      VkSubmitInfo2 *info;
      if (plain && open && open->flags == r->flags) {
         info = open;
         info->commandBufferInfoCount += r->command_buffer_count;
         plan_command_buffers(plan, b, r);
      } else {
         info = plan_open_info(plan, b, r);
      }
      open = plain && r->closes_value == 0 ? info : NULL;
      if (r->signals_value) {
         /* Right after the info's own signals: only plain records (no semaphores) joined it. */
         plan_semaphore(plan, (struct kr_batch_point){b->timeline, r->closes_value,
                                                      VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
         info->signalSemaphoreInfoCount++;
      }
   }
}

static void
batch_clear(struct kr_batch *b)
{
   b->record_count = b->command_buffer_count = b->wait_count = 0;
   b->signal_count = b->resource_count = 0;
   b->oldest_ns = 0;
}

VkResult
kr_batch_flush(struct kr_batch *b, enum kr_flush_reason reason,
               struct kr_batch_flush_plan *plan, uint64_t *value)
{
   plan->timeline = b->timeline;
   plan->reason = reason;
   if (kr_batch_is_empty(b)) {
      plan->info_count = plan->command_buffer_count = plan->semaphore_count = 0;
      plan->resource_count = 0;
      plan->first_value = plan->value = *value = b->flushed_value;
      return VK_SUCCESS;
   }
   VkResult result = reserve_plan(plan, b);
   if (result != VK_SUCCESS)
      return result;
   plan->first_value = b->flushed_value + 1;
   plan->value = *value = b->next_value;
   close_value(b);
   build_plan(plan, b);
   if (b->resource_count)
      memcpy(plan->resources, b->resources, sizeof(*b->resources) * b->resource_count);
   plan->resource_count = b->resource_count;

   b->flushed_value = *value;
   b->stats.vendor_submits++;
   b->stats.vendor_infos += plan->info_count;
   if ((unsigned)reason < KR_FLUSH_REASON_COUNT)
      b->stats.flushes[reason]++;
   batch_clear(b);
   return VK_SUCCESS;
}
