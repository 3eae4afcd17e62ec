/* SPDX-License-Identifier: MIT */
/* Timeline-semaphore submit batching: the state machine (see kr_batch.h). */
#include "kr_batch.h"

#include <string.h>

#include "kr_alloc.h"

#define KR_BATCH_MIN_CAPACITY 16u

/* Makes room for `need` elements of `size` bytes in *array (capacity *capacity), keeping the
 * first `used`: doubles, copies, frees the old array. */
static VkResult
grow_array(const VkAllocationCallbacks *alloc, void **array, uint32_t *capacity, uint32_t used,
           uint64_t need, size_t size)
{
   if (need <= *capacity)
      return VK_SUCCESS;
   if (need > UINT32_MAX)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint64_t capacity_new = *capacity ? *capacity : KR_BATCH_MIN_CAPACITY;
   while (capacity_new < need)
      capacity_new *= 2;
   if (capacity_new > UINT32_MAX)
      capacity_new = UINT32_MAX;
   void *array_new = kr_alloc(alloc, (size_t)capacity_new * size, 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!array_new)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (used)
      memcpy(array_new, *array, (size_t)used * size);
   kr_free(alloc, *array);
   *array = array_new;
   *capacity = (uint32_t)capacity_new;
   return VK_SUCCESS;
}

/* Grows owner->array, whose counters are owner->stem_count and owner->stem_capacity. */
#define GROW(alloc, owner, array, stem, extra)                                                 \
   grow_array((alloc), (void **)&(owner)->array, &(owner)->stem##_capacity,                 \
              (owner)->stem##_count, (uint64_t)(owner)->stem##_count + (extra),             \
              sizeof(*(owner)->array))

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

VkResult
kr_batch_append(struct kr_batch *b, const struct kr_batch_submit *submit,
                struct kr_batch_fence *fence, struct kr_batch_point *point, uint64_t now_ns,
                bool *flush_now)
{
   VkResult result = reserve_submit(b, submit);
   if (result != VK_SUCCESS)
      return result;

   if (opens_value(b, submit))
      b->records[b->record_count - 1].closes_value = b->next_value++;

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
   if (b->record_count == 0)
      b->oldest_ns = now_ns;
   b->record_count++;
   b->stats.app_submits++;

   if (fence) {
      fence->state = KR_FENCE_PENDING;
      fence->point = kr_batch_pending_point(b);
   }
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
   kr_free(plan->alloc, plan->waits);
   kr_free(plan->alloc, plan->signals);
   memset(plan, 0, sizeof(*plan));
}

static bool
record_has_semaphores(const struct kr_batch_record *r)
{
   return r->wait_count || r->signal_count;
}

/* Room in the plan for the whole batch: at most one info per record. */
static VkResult
reserve_plan(struct kr_batch_flush_plan *plan, const struct kr_batch *b)
{
   plan->info_count = plan->command_buffer_count = plan->wait_count = plan->signal_count = 0;
   VkResult result = GROW(plan->alloc, plan, infos, info, b->record_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, command_buffers, command_buffer, b->command_buffer_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, waits, wait, b->wait_count);
   if (result == VK_SUCCESS)
      result = GROW(plan->alloc, plan, signals, signal, b->signal_count);
   return result;
}

/* Adds a record to the plan: merged into the last info when that info is open to it, else a
 * new info. The batch's arrays are copied whole beforehand, so record ranges are plan ranges. */
static void
plan_add_record(struct kr_batch_flush_plan *plan, const struct kr_batch_record *r,
                bool merge)
{
   if (merge) {
      struct kr_batch_info *info = &plan->infos[plan->info_count - 1];
      info->command_buffer_count += r->command_buffer_count;
      info->timeline_value = r->closes_value;
      return;
   }
   plan->infos[plan->info_count++] = (struct kr_batch_info){
      .command_buffer_first = r->command_buffer_first,
      .command_buffer_count = r->command_buffer_count,
      .wait_first = r->wait_first,
      .wait_count = r->wait_count,
      .signal_first = r->signal_first,
      .signal_count = r->signal_count,
      .flags = r->flags,
      .timeline_value = r->closes_value,
   };
}

static void
build_plan(struct kr_batch_flush_plan *plan, const struct kr_batch *b)
{
   push(plan->command_buffers, &plan->command_buffer_count, b->command_buffers,
        b->command_buffer_count, sizeof(void *));
   push(plan->waits, &plan->wait_count, b->waits, b->wait_count, sizeof(struct kr_batch_point));
   push(plan->signals, &plan->signal_count, b->signals, b->signal_count,
        sizeof(struct kr_batch_point));
   /* A plain record joins the previous info when that one is plain too, has the same flags
    * and does not end with a timeline signal (signals close an info). */
   bool open_plain = false;
   uint32_t open_flags = 0;
   for (uint32_t i = 0; i < b->record_count; i++) {
      const struct kr_batch_record *r = &b->records[i];
      bool plain = !record_has_semaphores(r);
      plan_add_record(plan, r, plain && open_plain && r->flags == open_flags);
      open_plain = plain && r->closes_value == 0;
      open_flags = r->flags;
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
      plan->info_count = plan->command_buffer_count = plan->wait_count = 0;
      plan->signal_count = 0;
      plan->value = *value = b->flushed_value;
      return VK_SUCCESS;
   }
   VkResult result = reserve_plan(plan, b);
   if (result != VK_SUCCESS)
      return result;
   b->records[b->record_count - 1].closes_value = b->next_value;
   build_plan(plan, b);
   plan->value = *value = b->next_value;

   b->flushed_value = b->next_value++;
   b->stats.vendor_submits++;
   b->stats.vendor_infos += plan->info_count;
   if ((unsigned)reason < KR_FLUSH_REASON_COUNT)
      b->stats.flushes[reason]++;
   batch_clear(b);
   return VK_SUCCESS;
}

void
kr_batch_fence_init(struct kr_batch_fence *fence, bool signaled)
{
   fence->state = signaled ? KR_FENCE_SIGNALED : KR_FENCE_UNSIGNALED;
   fence->point = (struct kr_batch_point){0, 0, 0};
}

void
kr_batch_fence_reset(struct kr_batch_fence *fence)
{
   kr_batch_fence_init(fence, false);
}

bool
kr_batch_fence_status(const struct kr_batch_fence *fence, uint64_t completed_value)
{
   switch (fence->state) {
   case KR_FENCE_SIGNALED:
      return true;
   case KR_FENCE_PENDING:
      return completed_value >= fence->point.value;
   default:
      return false;
   }
}

bool
kr_batch_fence_update(struct kr_batch_fence *fence, uint64_t completed_value)
{
   bool signaled = kr_batch_fence_status(fence, completed_value);
   if (signaled)
      fence->state = KR_FENCE_SIGNALED;
   return signaled;
}
