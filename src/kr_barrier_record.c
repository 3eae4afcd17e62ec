/* SPDX-License-Identifier: MIT */
/* The barrier policy in command buffers (kr_barrier_record.h): the tracker's decisions become
 * vendor barriers, and each dispatch's accesses are read from the bound pipeline's reflection
 * and the bound sets' records, resolved to vendor memory through the buffers' bindings. */
#include "kr_barrier_record.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_log.h"
#include "kr_objects.h"

/* The largest robustUniformBufferAccessSizeAlignment the specification allows (storage: 4). */
#define ROBUST_PADDING 256u

bool
kr_barrier_forwarded(const struct kr_command_buffer *cb)
{
   return !cb->device->barrier_drop_all;
}

/* Gives the vendor one barrier with the masks, counted where the vendor is called. One that
 * carries requests carries every pending one: nothing is pending after it, and binds and
 * dispatches are kept back from here to the next request (kr_barrier_defer.h). One that carries
 * none (the replay's recovery barrier alone) may leave requests pending: nothing is kept back
 * after it. */
static void
emit_to_vendor(struct kr_command_buffer *cb, const struct kr_barrier_emit *emit)
{
   cb->barrier.deferring = cb->device->barrier_defer && emit->requests;
   if (!kr_barrier_forwarded(cb))
      return;
   const struct kr_barrier_masks *m = &emit->masks;
   if (cb->barrier.sync2) {
      const VkMemoryBarrier2 barrier = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
         .srcStageMask = m->src_stages,
         .srcAccessMask = m->src_access,
         .dstStageMask = m->dst_stages,
         .dstAccessMask = m->dst_access,
      };
      const VkDependencyInfo info = {
         .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
         .memoryBarrierCount = 1,
         .pMemoryBarriers = &barrier,
      };
      cb->disp->CmdPipelineBarrier2(cb->handle, &info);
   } else {
      /* Every request came from vkCmdPipelineBarrier: the masks are synchronization1 bits. */
      const VkMemoryBarrier barrier = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
         .srcAccessMask = (VkAccessFlags)m->src_access,
         .dstAccessMask = (VkAccessFlags)m->dst_access,
      };
      cb->disp->CmdPipelineBarrier(cb->handle, (VkPipelineStageFlags)m->src_stages,
                                   (VkPipelineStageFlags)m->dst_stages, 0, 1, &barrier, 0, NULL,
                                   0, NULL);
   }
   cb->counts.vendor_barriers++;
}

static void __attribute__((noinline)) give_deferred(struct kr_command_buffer *cb);

/* Whether an unlogged recording kept a bind, a pipeline or a command that touches no memory
 * (its kept dispatches are the log's `pending`). */
static inline bool
unlogged_kept(const struct kr_barrier_recording *r)
{
   return r->unlogged_touched || r->unlogged_pipeline_kept || r->unlogged_quiet;
}

/* Forgets what an unlogged recording kept (the kept pipeline's reference let go). */
static void
forget_unlogged(struct kr_barrier_recording *r)
{
   r->unlogged_touched = 0;
   kr_pipeline_accesses_unref(r->unlogged_pipeline);
   r->unlogged_pipeline = NULL;
   r->unlogged_pipeline_kept = false;
   r->unlogged_quiet = false;
}

void
kr_barrier_settle(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (r->deferring && (kr_deferred_any(&r->deferred) || unlogged_kept(r)))
      give_deferred(cb);
}

/* Drops what was kept back, unread (the pipelines' references let go). */
static void
drop_deferred(struct kr_barrier_recording *r)
{
   struct kr_barrier_deferred *d = &r->deferred;
   for (uint32_t at = 0; d->pipelines && at < d->count;) {
      struct kr_deferred_op op;
      at = kr_deferred_read(d, at, &op);
      if (op.kind == KR_DEFERRED_PIPELINE) {
         kr_pipeline_accesses_unref(op.pipeline);
         d->pipelines--;
      }
   }
   kr_deferred_clear(d);
   forget_unlogged(r);
   r->deferring = false;
}

static void
forget_bindings(struct kr_barrier_recording *r)
{
   drop_deferred(r);
   kr_pipeline_accesses_unref(r->pipeline);
   r->pipeline = NULL;
   memset(r->sets, 0, r->sets_touched * sizeof(r->sets[0]));
   r->sets_touched = 0;
   r->dispatch_valid = false;
}

/* The recording's first request (or its start, with KRONOS_BARRIER_DEFER=0): the tracker (or
 * the replay of the last log) begins. */
static void __attribute__((noinline))
start_tracking(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   r->tracking = true;
   r->replayed_before = r->replay.replayed;
   r->diverged_before = r->replay.diverged;
   kr_barrier_replay_begin(&r->replay, cb->device->barrier_replay);
}

void
kr_barrier_recording_begin(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   forget_bindings(r);
   r->deferred.alloc = cb->pool->alloc;
   /* KRONOS_BARRIER_DEFER=2 (the default): no log where no recording has read one. */
   r->unlogged = !r->log_read && r->unlogged_next && cb->device->barrier_defer == 2;
   r->active = cb->device->barrier_objects.enabled && !cb->secondary;
   r->sync2 = false;
   if (!r->replay_ready) {
      /* A spare log only for a recording that can use one (not a secondary's). */
      struct kr_command_pool *pool = cb->pool;
      bool use = r->active && cb->device->barrier_replay && pool->spare_log_count;
      struct kr_replay_log *spare = use ? &pool->spare_logs[--pool->spare_log_count] : NULL;
      kr_barrier_replay_init(&r->replay, pool->alloc, spare);
      r->replay_ready = true;
   }
   r->tracking = false;
   /* KRONOS_BARRIER_DEFER=0: every command is worked out as it comes, from the start. */
   if (r->active && !cb->device->barrier_defer)
      start_tracking(cb);
}

static void
add_counts(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   const struct kr_barrier_counts *c = kr_barrier_replay_counts(&r->replay);
   cb->counts.barrier_events_replayed += (uint32_t)(r->replay.replayed - r->replayed_before);
   cb->counts.barrier_replays_diverged += (uint32_t)(r->replay.diverged - r->diverged_before);
   cb->counts.barriers_dropped += c->dropped;
   cb->counts.barriers_merged += c->merged;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
      cb->counts.barriers_emitted[i] += c->emitted[i];
}

void
kr_barrier_recording_end(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->active)
      return;
   /* What was kept back needs nothing: nothing is pending (kr_barrier_defer.h). */
   cb->counts.barrier_dispatches_unexamined += (uint32_t)kr_deferred_dispatch_count(&r->deferred);
   drop_deferred(r);
   /* No request: nothing to give, and the log of the last recording that had one stays. */
   if (r->tracking) {
      r->unlogged_next = true; /* unless a log was read, in this recording or before */
      struct kr_barrier_emit emit;
      if (kr_barrier_replay_end(&r->replay, &emit))
         emit_to_vendor(cb, &emit);
      add_counts(cb);
   }
   forget_bindings(r);
}

static void
finish(struct kr_command_buffer *cb, bool keep_log)
{
   struct kr_barrier_recording *r = &cb->barrier;
   struct kr_command_pool *pool = cb->pool;
   forget_bindings(r);
   if (r->replay_ready) {
      bool room = keep_log && pool->spare_log_count < KR_POOL_SPARE_LOGS;
      if (kr_barrier_replay_finish(&r->replay,
                                   room ? &pool->spare_logs[pool->spare_log_count] : NULL))
         pool->spare_log_count++;
   }
   r->replay_ready = false;
   r->unlogged_next = false;
   r->log_read = false;
   kr_deferred_free(&r->deferred);
   kr_free(cb->pool->alloc, r->accesses);
   r->accesses = NULL;
   r->access_capacity = 0;
}

void
kr_barrier_recording_finish(struct kr_command_buffer *cb)
{
   finish(cb, true);
}

void
kr_barrier_recording_release(struct kr_command_buffer *cb)
{
   finish(cb, false);
}

void
kr_barrier_pool_release_logs(struct kr_command_pool *pool)
{
   while (pool->spare_log_count)
      kr_replay_log_free(&pool->spare_logs[--pool->spare_log_count], pool->alloc);
}

/* An untracked command given to the policy now (nothing is kept back, or it was given). */
static void
untracked_now(struct kr_command_buffer *cb, enum kronos_barrier_reason why,
              VkPipelineStageFlags2 stages, VkAccessFlags2 writes)
{
   struct kr_barrier_emit emit;
   if (kr_barrier_replay_untracked(&cb->barrier.replay, why, stages, writes, &emit))
      emit_to_vendor(cb, &emit);
}

void
kr_barrier_untracked(struct kr_command_buffer *cb, enum kronos_barrier_reason why,
                     VkPipelineStageFlags2 stages, VkAccessFlags2 writes)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->tracking)
      return;
   if (r->deferring) {
      if (r->unlogged) {
         /* Kept unlogged only where it touches no memory (a timestamp): given as one later. */
         if (!stages && !writes) {
            r->unlogged_quiet = true;
            r->unlogged_quiet_why = why;
            return;
         }
      } else if (kr_deferred_untracked(&r->deferred, why, stages, writes)) {
         return;
      }
      kr_barrier_settle(cb);
   }
   untracked_now(cb, why, stages, writes);
}

/* Room for `count` more accesses; false when out of memory (the command is then untracked). */
static bool
reserve_accesses(struct kr_command_buffer *cb, uint32_t used, uint32_t count)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (used + count <= r->access_capacity)
      return true;
   uint32_t capacity = r->access_capacity ? r->access_capacity : 16;
   while (capacity < used + count)
      capacity *= 2;
   struct kr_barrier_access *accesses =
      kr_alloc(cb->pool->alloc, capacity * sizeof(*accesses), _Alignof(struct kr_barrier_access),
               VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!accesses)
      return false;
   if (used)
      memcpy(accesses, r->accesses, used * sizeof(*accesses));
   kr_free(cb->pool->alloc, r->accesses);
   r->accesses = accesses;
   r->access_capacity = capacity;
   return true;
}

/* Forgets the buffer bindings kept (and the last dispatch's accesses, made of them): a buffer
 * of the device was destroyed since, and its handle may name another buffer now. */
static void __attribute__((noinline))
forget_buffers(struct kr_command_buffer *cb, uint64_t generation)
{
   struct kr_barrier_recording *r = &cb->barrier;
   memset(r->buffers, 0, sizeof(r->buffers));
   r->buffer_generation = generation;
   r->dispatch_valid = false;
   /* Resolved ranges of bound sets may name the destroyed buffer's binding too: their records
    * are read again (the check the buffer lookups make there). */
   for (uint32_t i = 0; i < r->sets_touched; i++)
      r->sets[i].resolved = NULL;
}

/* forget_buffers when a buffer of the device was destroyed since the last check; inline, as
 * every bind and dispatch checks. */
static inline void
check_buffer_generation(struct kr_command_buffer *cb)
{
   uint64_t generation = kr_barrier_buffers_destroyed(&cb->device->barrier_objects);
   if (generation != cb->barrier.buffer_generation)
      forget_buffers(cb, generation);
}

/* The buffer's binding: kept by the recording, or looked up (and kept) when bound to known
 * memory; false when not known. check_buffer_generation comes first. */
static bool
buffer_binding(struct kr_command_buffer *cb, VkBuffer buffer, struct kr_barrier_cached_buffer *out)
{
   uint64_t key = (uint64_t)buffer;
   struct kr_barrier_cached_buffer *slot =
      &cb->barrier.buffers[(key * 0x9e3779b97f4a7c15ull) >> (64 - KR_BARRIER_BUFFER_CACHE_LOG2)];
   if (key && slot->buffer == key) {
      *out = *slot;
      return true;
   }
   struct kr_buffer_binding b;
   if (!key || !kr_barrier_buffer_lookup(cb->device, buffer, &b))
      return false;
   *slot = (struct kr_barrier_cached_buffer){key, b.size, b.memory, b.offset};
   *out = *slot;
   return true;
}

/* Appends the access of bytes [offset, offset + size) of a buffer (VK_WHOLE_SIZE: to its end);
 * false when out of its bounds or out of memory. */
static bool
append_access(struct kr_command_buffer *cb, uint32_t *used,
              const struct kr_barrier_cached_buffer *b, VkDeviceSize offset, VkDeviceSize size,
              enum kr_barrier_access_kind kind)
{
   if (offset > b->size)
      return false;
   if (size == VK_WHOLE_SIZE || size > b->size - offset)
      size = b->size - offset;
   if (!size)
      return true;
   if (!reserve_accesses(cb, *used, 1))
      return false;
   cb->barrier.accesses[(*used)++] = (struct kr_barrier_access){
      .memory = b->memory,
      .begin = b->offset + offset,
      .end = b->offset + offset + size,
      .kind = kind,
   };
   return true;
}

/* For commands other than dispatches, which use the access list too. */
bool
kr_barrier_add_buffer_access(struct kr_command_buffer *cb, uint32_t *used, VkBuffer buffer,
                  VkDeviceSize offset, VkDeviceSize size, enum kr_barrier_access_kind kind)
{
   cb->barrier.dispatch_valid = false;
   check_buffer_generation(cb);
   struct kr_barrier_cached_buffer b;
   return buffer_binding(cb, buffer, &b) && append_access(cb, used, &b, offset, size, kind);
}

/* The dynamic offset of a binding's element: dynamic descriptors are numbered in binding order,
 * then by element. UINT32_MAX when the bind did not give it. */
static uint32_t
dynamic_offset(const struct kr_barrier_bound_set *bound, const struct kr_binding_model *binding,
               uint32_t element)
{
   uint32_t index = binding->dynamic_first + element;
   return index < bound->dynamic_count ? bound->dynamic[index] : UINT32_MAX;
}

/* One buffer descriptor's accesses (descriptor offset and range as written, the buffer's binding
 * b) for the resource; false when not known. */
static inline __attribute__((always_inline)) bool
element_accesses(struct kr_command_buffer *cb, uint32_t *used,
                 const struct kr_pipeline_access_resource *res,
                 const struct kr_barrier_bound_set *bound, const struct kr_binding_model *binding,
                 uint32_t element, const struct kr_barrier_cached_buffer *b, uint64_t offset,
                 uint64_t range)
{
   VkDescriptorType type = binding->type;
   bool dynamic = type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
                  type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
   bool uniform = type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER ||
                  type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC;
   if (cb->barrier.pipeline->whole_buffers) {
      offset = 0;
      range = VK_WHOLE_SIZE;
   } else if (dynamic) {
      uint32_t extra = dynamic_offset(bound, binding, element);
      if (extra == UINT32_MAX)
         return false;
      offset += extra;
   }
   /* robustBufferAccess2 checks bounds against the range rounded up to an alignment of at
    * most 256 bytes (robust*BufferAccessSizeAlignment): accesses may reach that far. */
   if (cb->barrier.pipeline->pad_ranges && range != VK_WHOLE_SIZE)
      range = (range + ROBUST_PADDING - 1) / ROBUST_PADDING * ROBUST_PADDING;
   bool reads = uniform || res->read, writes = !uniform && res->written;
   if (reads && !append_access(cb, used, b, offset, range,
                               uniform ? KR_ACCESS_SHADER_UNIFORM_READ
                                       : KR_ACCESS_SHADER_STORAGE_READ))
      return false;
   if (writes && !append_access(cb, used, b, offset, range, KR_ACCESS_SHADER_STORAGE_WRITE))
      return false;
   return true;
}

/* A buffer descriptor of a cache entry's content, resolved to vendor memory when the entry was
 * first bound with the policy on. */
struct kr_barrier_resolved_buffer {
   /* b.buffer 0: no buffer (never written, or null); b.memory 0: a buffer whose memory the
    * policy does not know (a known binding's memory is never 0). */
   struct kr_barrier_cached_buffer b;
   uint64_t offset, range; /* the descriptor's */
   /* What a dispatch touches through it when no dynamic offset or robustness widening applies
    * (the common case, worked out once here rather than at every dispatch): bytes [begin, end)
    * of b.memory, as append_access would clamp them. */
   uint64_t begin, end;
   enum kr_resolved_use {
      KR_RESOLVED_NOTHING, /* no buffer, or an empty range */
      KR_RESOLVED_RANGE,   /* [begin, end) */
      KR_RESOLVED_UNKNOWN, /* memory not known, or an offset past the buffer's end */
   } use;
};

/* The derived data the policy keeps on a descriptor cache entry: one element per descriptor of
 * the layout (index: the descriptor's in a record), those of other types left empty. The replay
 * keys of dispatches name it by the entry's serial (kr_cache_entry.serial), so a replayed
 * dispatch does not read it. */
struct kr_barrier_resolved {
   uint32_t count;
   struct kr_barrier_resolved_buffer buffers[];
};

static bool
is_buffer_type(VkDescriptorType type)
{
   return type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER ||
          type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
          type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ||
          type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
}

/* Resolves the entry's buffer descriptors (a binding never changes once made; the entry is
 * unlinked before a buffer it names can be destroyed and its handle reused). Through the
 * recording's kept bindings (check_buffer_generation came first), and neighbours naming one
 * buffer resolve once: a miss on a set of many bindings pays this. NULL when out of host
 * memory: the set's record is read instead. */
static size_t
resolved_size(const struct kr_set_layout_model *model)
{
   return sizeof(struct kr_barrier_resolved) +
          sizeof(((struct kr_barrier_resolved *)NULL)->buffers[0]) * model->descriptor_count;
}

/* The plain use of a resolved descriptor (kr_barrier_resolved_buffer.use), with
 * append_access's bounds rules. */
static void
resolve_use(struct kr_barrier_resolved_buffer *out)
{
   const struct kr_barrier_cached_buffer *b = &out->b;
   out->begin = out->end = 0;
   if (!b->buffer) {
      out->use = KR_RESOLVED_NOTHING;
      return;
   }
   if (!b->memory || out->offset > b->size) {
      out->use = KR_RESOLVED_UNKNOWN;
      return;
   }
   uint64_t size = out->range;
   if (size == VK_WHOLE_SIZE || size > b->size - out->offset)
      size = b->size - out->offset;
   out->use = size ? KR_RESOLVED_RANGE : KR_RESOLVED_NOTHING;
   out->begin = b->offset + out->offset;
   out->end = out->begin + size;
}

static struct kr_barrier_resolved *
resolve_entry(struct kr_command_buffer *cb, const struct kr_cache_entry *entry)
{
   struct kr_device *device = cb->device;
   const struct kr_set_layout_model *model = entry->model;
   /* Not zeroed as a whole: every element is written below (a large set's block is big). */
   struct kr_barrier_resolved *resolved =
      kr_alloc(device->descriptor_cache.alloc, resolved_size(model), 8,
               VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!resolved)
      return NULL;
   resolved->count = model->descriptor_count;
   const struct kr_barrier_resolved_buffer *last = NULL; /* the last buffer resolved */
   for (uint32_t i = 0; i < model->binding_count; i++) {
      const struct kr_binding_model *binding = &model->bindings[i];
      if (binding->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK)
         continue; /* its count is bytes, not descriptors */
      if (!is_buffer_type(binding->type)) {
         memset(&resolved->buffers[binding->first], 0,
                sizeof(resolved->buffers[0]) * binding->count);
         continue;
      }
      for (uint32_t e = 0; e < binding->count; e++) {
         const struct kr_descriptor *d = &entry->descriptors[binding->first + e];
         struct kr_barrier_resolved_buffer *out = &resolved->buffers[binding->first + e];
         out->offset = d->offset;
         out->range = d->range;
         if (!d->object)
            out->b = (struct kr_barrier_cached_buffer){0};
         else if (last && last->b.buffer == d->object)
            out->b = last->b;
         else if (buffer_binding(cb, (VkBuffer)d->object, &out->b))
            last = out;
         else
            out->b = (struct kr_barrier_cached_buffer){.buffer = d->object};
         resolve_use(out);
      }
   }
   return resolved;
}

/* entry_resolved's first bind of the entry with the policy on: resolves and publishes. */
static const struct kr_barrier_resolved * __attribute__((noinline))
publish_resolved(struct kr_command_buffer *cb, struct kr_cache_entry *entry)
{
   struct kr_barrier_resolved *made = resolve_entry(cb, entry);
   if (!made)
      return NULL;
   return kr_descriptor_cache_publish_derived(&cb->device->descriptor_cache, entry, made,
                                              resolved_size(entry->model));
}

/* The entry's resolved ranges, made at its first bind with the policy on; NULL when none could
 * be made. */
static inline const struct kr_barrier_resolved *
entry_resolved(struct kr_command_buffer *cb, struct kr_cache_entry *entry)
{
   const struct kr_barrier_resolved *resolved = kr_descriptor_cache_derived(entry);
   return resolved ? resolved : publish_resolved(cb, entry);
}

/* Whether a binding's accesses are its resolved ranges as they are: no dynamic offset, and no
 * robustness that widens them. */
static inline bool
plain_binding(const struct kr_command_buffer *cb, const struct kr_binding_model *binding)
{
   const struct kr_pipeline_accesses *p = cb->barrier.pipeline;
   return !p->whole_buffers && !p->pad_ranges &&
          binding->type != VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC &&
          binding->type != VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
}

/* A plain binding's accesses (element_accesses without the per-element work): false when one
 * is not known. */
static bool
plain_accesses(struct kr_command_buffer *cb, uint32_t *used,
               const struct kr_pipeline_access_resource *res,
               const struct kr_binding_model *binding,
               const struct kr_barrier_resolved_buffer *buffers)
{
   bool uniform = binding->type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
   bool reads = uniform || res->read, writes = !uniform && res->written;
   enum kr_barrier_access_kind read_kind =
      uniform ? KR_ACCESS_SHADER_UNIFORM_READ : KR_ACCESS_SHADER_STORAGE_READ;
   if (!reserve_accesses(cb, *used, 2 * binding->count))
      return false;
   struct kr_barrier_access *out = cb->barrier.accesses + *used;
   for (uint32_t e = 0; e < binding->count; e++) {
      const struct kr_barrier_resolved_buffer *rb = &buffers[e];
      if (rb->use == KR_RESOLVED_NOTHING)
         continue;
      if (rb->use == KR_RESOLVED_UNKNOWN)
         return false;
      /* The read before the write, as element_accesses gives them (the tracker keeps only the
       * write when it covers the read). */
      if (reads)
         *out++ = (struct kr_barrier_access){rb->b.memory, rb->begin, rb->end, read_kind};
      if (writes)
         *out++ = (struct kr_barrier_access){rb->b.memory, rb->begin, rb->end,
                                             KR_ACCESS_SHADER_STORAGE_WRITE};
   }
   *used = (uint32_t)(out - cb->barrier.accesses);
   return true;
}

/* The accesses of one resource the pipeline uses; false when not known. */
static bool
resource_accesses(struct kr_command_buffer *cb, uint32_t *used,
                  const struct kr_pipeline_access_resource *res)
{
   if (res->set >= KR_BARRIER_BOUND_SETS)
      return false;
   const struct kr_barrier_bound_set *bound = &cb->barrier.sets[res->set];
   const struct kr_descriptor_set *set = bound->set;
   /* Only sets that are records: a vendor set's shadow record may miss updates, and its layout
    * may allow updates after binding. */
   if (!set || !set->is_record)
      return false;
   /* The record's model is its layout's, read from the set's first cache line. */
   const struct kr_set_layout_model *model = set->record.model;
   const struct kr_binding_model *binding = kr_set_layout_model_binding(model, res->binding);
   if (!binding)
      return false;
   switch (binding->type) {
   case VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK:
   case VK_DESCRIPTOR_TYPE_SAMPLER:
      return true; /* no memory of the device's */
   case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC:
   case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER:
   case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC:
   case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER:
      break;
   default:
      return false; /* images and texel buffers (views): not tracked */
   }
   const struct kr_barrier_resolved *resolved = bound->resolved;
   if (resolved) {
      if (binding->first + binding->count > resolved->count)
         return false; /* not the layout it was resolved for: cannot happen */
      if (plain_binding(cb, binding))
         return plain_accesses(cb, used, res, binding, resolved->buffers + binding->first);
      for (uint32_t e = 0; e < binding->count; e++) {
         const struct kr_barrier_resolved_buffer *rb = &resolved->buffers[binding->first + e];
         if (!rb->b.buffer)
            continue; /* never written, or a null descriptor: nothing to access */
         if (!rb->b.memory)
            return false; /* memory not known */
         if (!element_accesses(cb, used, res, bound, binding, e, &rb->b, rb->offset, rb->range))
            return false;
      }
      return true;
   }
   for (uint32_t e = 0; e < binding->count; e++) {
      struct kr_descriptor d = kr_descriptor_record_read(&set->record, binding->first + e);
      if (!d.object)
         continue; /* never written, or a null descriptor: nothing to access */
      struct kr_barrier_cached_buffer b;
      if (!buffer_binding(cb, (VkBuffer)d.object, &b))
         return false;
      if (!element_accesses(cb, used, res, bound, binding, e, &b, d.offset, d.range))
         return false;
   }
   return true;
}

/* One word of a dispatch's key, where the caller saw room for it: compared with expect[*n]
 * when checking a logged key (expect set), stored at key[*n] when making one; false when it
 * differs. */
static inline __attribute__((always_inline)) bool
key_word(uint64_t *key, const uint64_t *expect, uint32_t *n, uint64_t word)
{
   if (expect) {
      if (expect[*n] != word)
         return false;
   } else if (key) {
      key[*n] = word;
   }
   (*n)++;
   return true;
}

/* The replay key of a dispatch (kr_barrier_replay.h): what its accesses, or its being untracked,
 * are worked out from. The pipeline's reflection (by its serial); for an indirect dispatch, the
 * indirect buffer's binding and the offset; and for every set the pipeline uses, the resolved
 * ranges of the descriptor cache entry bound there (made once per entry and immutable, named by
 * the entry's serial: a linked entry names no destroyed buffer) and the set's dynamic offsets.
 * How many offsets a set has is its layout's, and the entry names the layout, so the serial
 * settles where the next set's words start. Direct and indirect dispatches have different
 * first words. One walk makes the key (expect NULL) or checks it against a logged one (key
 * NULL), so the two cannot disagree; inlined into each with the other argument a constant.
 * false when it cannot be keyed (a set whose record is read instead, or more than limit
 * words), or a word differs from the expected one; *n words were made or matched. */
static inline __attribute__((always_inline)) bool
dispatch_key_walk(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset,
                  uint64_t *key, const uint64_t *expect, uint32_t limit, uint32_t *n)
{
   const struct kr_barrier_recording *r = &cb->barrier;
   const struct kr_pipeline_accesses *p = r->pipeline;
   if (limit < (indirect ? 7u : 2u) ||
       !key_word(key, expect, n, KR_REPLAY_KEY_CALLER + (indirect != VK_NULL_HANDLE)) ||
       !key_word(key, expect, n, p ? p->serial : 0))
      return false;
   if (indirect) {
      struct kr_barrier_cached_buffer b = {0};
      bool known = buffer_binding(cb, indirect, &b);
      if (!key_word(key, expect, n, known) || !key_word(key, expect, n, b.memory) ||
          !key_word(key, expect, n, b.offset) || !key_word(key, expect, n, b.size) ||
          !key_word(key, expect, n, offset))
         return false;
   }
   if (!p || p->unknown_memory)
      return true;
   if (p->sets_beyond)
      return false;
   for (uint32_t mask = p->set_mask; mask; mask &= mask - 1) {
      const struct kr_barrier_bound_set *bound = &r->sets[__builtin_ctz(mask)];
      if (!bound->resolved || *n + 1 + bound->dynamic_count > limit ||
          !key_word(key, expect, n, bound->entry_serial))
         return false;
      for (uint32_t i = 0; i < bound->dynamic_count; i++) {
         if (!key_word(key, expect, n, bound->dynamic[i]))
            return false;
      }
   }
   return true;
}

/* Words of a dispatch's replay key at most (a dispatch whose key would be longer is not
 * keyed). */
#define DISPATCH_KEY_WORDS 64u

/* The dispatch's key made (dispatch_key_walk); its length, 0 when it cannot be keyed. */
static uint32_t
dispatch_key(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset,
             uint64_t key[DISPATCH_KEY_WORDS])
{
   uint32_t n = 0;
   return dispatch_key_walk(cb, indirect, offset, key, NULL, DISPATCH_KEY_WORDS, &n) ? n : 0;
}

/* Whether the logged event e is this dispatch: its key as dispatch_key would make it,
 * compared in place without making one (the replayed direct dispatch's way). */
static inline bool
logged_dispatch(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset,
                const struct kr_replay_event *e)
{
   uint32_t n = 0;
   return dispatch_key_walk(cb, indirect, offset, NULL,
                            kr_barrier_replay_key(&cb->barrier.replay, e), e->key_count, &n) &&
          n == e->key_count;
}

/* Gives the tracker (through the replay log, which opened this event) the first count accesses
 * of the list, and the vendor any barrier it asks for. */
static void
track_dispatch(struct kr_command_buffer *cb, uint32_t count)
{
   struct kr_barrier_recording *r = &cb->barrier;
   struct kr_barrier_emit emit;
   if (kr_barrier_replay_live_command(&r->replay, r->accesses, count, &emit))
      emit_to_vendor(cb, &emit);
}

/* The live part of a dispatch: its accesses, worked out and given to the tracker. */
static void
dispatch_live(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset)
{
   struct kr_barrier_recording *r = &cb->barrier;
   /* Dispatching again with the same bindings: the same accesses. */
   if (r->dispatch_valid && r->dispatch_indirect == indirect && r->dispatch_offset == offset) {
      track_dispatch(cb, r->dispatch_count);
      return;
   }
   r->dispatch_valid = false;
   const struct kr_pipeline_accesses *p = r->pipeline;
   uint32_t used = 0;
   bool known = p && !p->unknown_memory;
   if (known && indirect) {
      struct kr_barrier_cached_buffer b;
      known = buffer_binding(cb, indirect, &b) &&
              append_access(cb, &used, &b, offset, sizeof(VkDispatchIndirectCommand),
                            KR_ACCESS_INDIRECT_READ);
   }
   for (uint32_t i = 0; known && i < p->count; i++)
      known = resource_accesses(cb, &used, &p->resources[i]);
   if (!known) {
      /* A dispatch writes only through storage descriptors or device addresses: storage
       * writes of the compute stage (and reads of its indirect arguments). */
      VkPipelineStageFlags2 stages = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT;
      if (indirect)
         stages |= VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT;
      struct kr_barrier_emit emit;
      if (kr_barrier_replay_live_untracked(&r->replay, KRONOS_BARRIER_UNKNOWN_ACCESS, stages,
                                           VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT, &emit))
         emit_to_vendor(cb, &emit);
      return;
   }
   r->dispatch_valid = true;
   r->dispatch_count = used;
   r->dispatch_indirect = indirect;
   r->dispatch_offset = offset;
   track_dispatch(cb, used);
}

/* A dispatch whose decision came from the log: its accesses were not worked out, so the list
 * no longer holds the last dispatch's. */
static inline void
dispatch_replayed(struct kr_command_buffer *cb, bool emitted, const struct kr_barrier_emit *emit)
{
   cb->barrier.dispatch_valid = false;
   if (emitted)
      emit_to_vendor(cb, emit);
}

/* Any dispatch but a replayed direct one (kr_barrier_dispatch's): matched against the log by
 * its key, or live (logged under its key when logging). Out of line, so that the replayed
 * direct dispatch's frame stays small. */
static void __attribute__((noinline))
dispatch_keyed(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (kr_barrier_replay_keyed(&r->replay)) {
      uint64_t key[DISPATCH_KEY_WORDS];
      bool emitted = false;
      struct kr_barrier_emit emit;
      if (kr_barrier_replay_match(&r->replay, key, dispatch_key(cb, indirect, offset, key),
                                  &emitted, &emit)) {
         dispatch_replayed(cb, emitted, &emit);
         return;
      }
   }
   dispatch_live(cb, indirect, offset);
}

/* A dispatch given to the policy now (kr_barrier_dispatch's, or one kept back). */
static inline __attribute__((always_inline)) void
dispatch_now(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset)
{
   struct kr_barrier_recording *r = &cb->barrier;
   check_buffer_generation(cb);
   /* The common case inline: a direct dispatch, the log's next event. */
   const struct kr_replay_event *e = kr_barrier_replay_peek(&r->replay);
   if (indirect || !e || !logged_dispatch(cb, VK_NULL_HANDLE, 0, e)) {
      dispatch_keyed(cb, indirect, offset);
      return;
   }
   bool emitted;
   struct kr_barrier_emit emit;
   kr_barrier_replay_take(&r->replay, e, &emitted, &emit);
   dispatch_replayed(cb, emitted, &emit);
}

void
kr_barrier_dispatch_given(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset)
{
   kr_barrier_settle(cb);
   dispatch_now(cb, indirect, offset);
}

void
kr_barrier_dispatch(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset)
{
   if (!kr_barrier_dispatch_kept(&cb->barrier, indirect,
                                 &cb->counts.barrier_dispatches_unexamined))
      kr_barrier_dispatch_given(cb, indirect, offset);
}

void
kr_barrier_command(struct kr_command_buffer *cb, uint32_t count)
{
   struct kr_barrier_recording *r = &cb->barrier;
   struct kr_barrier_emit emit;
   if (kr_barrier_replay_accesses(&r->replay, r->accesses, count, &emit))
      emit_to_vendor(cb, &emit);
}

/* The pipeline's accesses (a reference, which the recording takes) bound now. */
static void
bind_pipeline_now(struct kr_command_buffer *cb, struct kr_pipeline_accesses *accesses)
{
   struct kr_barrier_recording *r = &cb->barrier;
   kr_pipeline_accesses_unref(r->pipeline);
   r->pipeline = accesses;
   r->dispatch_valid = false;
}

/* Unlogged (kr_barrier_defer.h): the pipeline's accesses (a reference, which the recording
 * takes) kept as the last bound. Binding the pipeline already bound changes nothing: programs
 * bind it before every dispatch. */
static void
keep_pipeline_unlogged(struct kr_barrier_recording *r, struct kr_pipeline_accesses *accesses)
{
   struct kr_pipeline_accesses *last =
      r->unlogged_pipeline_kept ? r->unlogged_pipeline : r->pipeline;
   if (accesses == last) {
      kr_pipeline_accesses_unref(accesses);
      return;
   }
   kr_pipeline_accesses_unref(r->unlogged_pipeline);
   r->unlogged_pipeline = accesses; /* NULL: accesses not known */
   r->unlogged_pipeline_kept = true;
}

void
kr_barrier_bind_pipeline(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                         VkPipeline pipeline)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->active || bind_point != VK_PIPELINE_BIND_POINT_COMPUTE)
      return;
   struct kr_pipeline_accesses *accesses = kr_barrier_pipeline_lookup(cb->device, pipeline);
   if (r->deferring) {
      if (r->unlogged) {
         keep_pipeline_unlogged(r, accesses);
         return;
      }
      if (kr_deferred_pipeline(&r->deferred, accesses))
         return;
      kr_barrier_settle(cb);
   }
   bind_pipeline_now(cb, accesses);
}

/* One set bound at `index` (< KR_BARRIER_BOUND_SETS), its dynamic offsets from
 * dynamic_offsets[first_dynamic] on, of dynamic_count in all; returns how many are the set's. */
static inline uint32_t
bind_set(struct kr_command_buffer *cb, uint32_t index, struct kr_descriptor_set *set,
         struct kr_cache_entry *entry, const uint32_t *dynamic_offsets, uint32_t first_dynamic,
         uint32_t dynamic_count)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (index >= r->sets_touched)
      r->sets_touched = index + 1;
   struct kr_barrier_bound_set *bound = &r->sets[index];
   /* dynamic[] past dynamic_count is never read: not cleared. */
   bound->set = NULL;
   bound->resolved = NULL;
   bound->dynamic_count = 0;
   if (!set)
      return 0;
   /* A record's model is its layout's, in the set's first cache line (the layout is not). */
   uint32_t mine = (set->has_record ? set->record.model : &set->layout->model)->dynamic_count;
   if (set->has_record && mine <= KR_BARRIER_DYNAMIC_OFFSETS &&
       (uint64_t)first_dynamic + mine <= dynamic_count) {
      bound->set = set;
      if (entry) {
         bound->resolved = entry_resolved(cb, entry);
         bound->entry_serial = entry->serial;
      }
      bound->dynamic_count = mine;
      for (uint32_t i = 0; i < mine; i++)
         bound->dynamic[i] = dynamic_offsets[first_dynamic + i];
   }
   return mine;
}

/* count sets (objects; entries NULL or one per set) bound from `first` on, now. */
static void
bind_sets_now(struct kr_command_buffer *cb, uint32_t first, uint32_t count,
              struct kr_descriptor_set *const *sets, struct kr_cache_entry *const *entries,
              uint32_t dynamic_count, const uint32_t *dynamic_offsets)
{
   check_buffer_generation(cb);
   cb->barrier.dispatch_valid = false;
   /* Each set's dynamic offsets follow those of the sets before it. */
   uint32_t next_dynamic = 0;
   for (uint32_t i = 0; i < count && first + i < KR_BARRIER_BOUND_SETS; i++) {
      next_dynamic += bind_set(cb, first + i, sets[i], entries ? entries[i] : NULL,
                               dynamic_offsets, next_dynamic, dynamic_count);
   }
}

/* A bind of sets while deferring: kept back (true), or given now after what was kept. Out of
 * line: the common bind's frame stays small. */
static bool __attribute__((noinline))
bind_deferred(struct kr_command_buffer *cb, uint32_t first, uint32_t count,
              struct kr_descriptor_set *const *sets, struct kr_cache_entry *const *entries,
              uint32_t dynamic_count, const uint32_t *dynamic_offsets)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (r->unlogged) {
      /* Sets with dynamic offsets are not kept unlogged. */
      if (!dynamic_count) {
         for (uint32_t i = 0; i < count; i++)
            kr_barrier_keep_set_unlogged(r, first + i, sets[i], entries ? entries[i] : NULL);
         return true;
      }
   } else if (kr_deferred_sets(&r->deferred, first, count, (void *const *)sets,
                               (void *const *)entries, dynamic_count, dynamic_offsets)) {
      return true;
   }
   kr_barrier_settle(cb);
   return false;
}

/* bind_deferred of one set (a set past the last index the policy follows binds nothing it
 * follows). Out of line, so that the set and its entry need no address in the caller's frame. */
static bool __attribute__((noinline))
bind_one_deferred(struct kr_command_buffer *cb, uint32_t index, struct kr_descriptor_set *set,
                  struct kr_cache_entry *entry, uint32_t dynamic_count,
                  const uint32_t *dynamic_offsets)
{
   bool followed = index < KR_BARRIER_BOUND_SETS;
   return bind_deferred(cb, followed ? index : KR_BARRIER_BOUND_SETS, followed, &set, &entry,
                        dynamic_count, dynamic_offsets);
}

void
kr_barrier_bind_sets(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                     uint32_t first, uint32_t count, const VkDescriptorSet *sets,
                     struct kr_cache_entry *const *entries, uint32_t dynamic_count,
                     const uint32_t *dynamic_offsets)
{
   if (!cb->barrier.active || bind_point != VK_PIPELINE_BIND_POINT_COMPUTE)
      return;
   /* The sets past the last index the policy follows are left out. */
   struct kr_descriptor_set *objects[KR_BARRIER_BOUND_SETS];
   if (first >= KR_BARRIER_BOUND_SETS) {
      first = KR_BARRIER_BOUND_SETS; /* nothing bound the policy follows */
      count = 0;
   } else if (count > KR_BARRIER_BOUND_SETS - first)
      count = KR_BARRIER_BOUND_SETS - first;
   for (uint32_t i = 0; i < count; i++)
      objects[i] = kr_descriptor_set_from_handle(sets[i]);
   if (cb->barrier.deferring &&
       bind_deferred(cb, first, count, objects, entries, dynamic_count, dynamic_offsets))
      return;
   bind_sets_now(cb, first, count, objects, entries, dynamic_count, dynamic_offsets);
}

void
kr_barrier_bind_one_set(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                        uint32_t index, struct kr_descriptor_set *set,
                        struct kr_cache_entry *entry, uint32_t dynamic_count,
                        const uint32_t *dynamic_offsets)
{
   /* The inline answer first, which the quick binds act on (kr_descriptor_bind.c): one
    * decision for both. */
   switch (kr_barrier_one_set_way(&cb->barrier, bind_point, index, dynamic_count)) {
   case KR_BARRIER_BIND_IGNORED:
      return;
   case KR_BARRIER_BIND_KEPT:
      kr_barrier_keep_one_set(&cb->barrier, index, set, entry);
      return;
   case KR_BARRIER_BIND_OTHER:
      break;
   }
   if (cb->barrier.deferring &&
       bind_one_deferred(cb, index, set, entry, dynamic_count, dynamic_offsets))
      return;
   check_buffer_generation(cb);
   cb->barrier.dispatch_valid = false;
   if (index < KR_BARRIER_BOUND_SETS)
      bind_set(cb, index, set, entry, dynamic_offsets, 0, dynamic_count);
}

/* Descriptors pushed at set index `set` (< KR_BARRIER_BOUND_SETS), now: not tracked. */
static void
push_set_now(struct kr_command_buffer *cb, uint32_t set)
{
   cb->barrier.sets[set] = (struct kr_barrier_bound_set){0};
   cb->barrier.dispatch_valid = false;
}

void
kr_barrier_push_set(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point, uint32_t set)
{
   if (!cb->barrier.active || bind_point != VK_PIPELINE_BIND_POINT_COMPUTE ||
       set >= KR_BARRIER_BOUND_SETS)
      return;
   if (cb->barrier.deferring) {
      if (!cb->barrier.unlogged && kr_deferred_push(&cb->barrier.deferred, set))
         return;
      kr_barrier_settle(cb);
   }
   push_set_now(cb, set);
}

/* A run of kept direct dispatches, given now. */
static void
give_dispatches(struct kr_command_buffer *cb, uint32_t run)
{
   for (uint32_t i = 0; i < run; i++)
      dispatch_now(cb, VK_NULL_HANDLE, 0);
}

/* What an unlogged recording kept (kr_barrier_defer.h; the log is empty then). Dispatches kept
 * where a bind was too go as one command of unknown accesses, as dispatch_live takes a dispatch
 * whose accesses are not known: nothing is pending, so it emits nothing, and what it covers can
 * only add barriers later; this recording logs from here on, as does every later one. Without a
 * bind kept, the dispatches go one by one, as from a log. Then the commands that touch no
 * memory (timestamps), as one, and each index's last bind. */
static void
give_unlogged(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   struct kr_barrier_deferred *d = &r->deferred;
   uint32_t touched = r->unlogged_touched;
   bool pipeline_kept = r->unlogged_pipeline_kept;
   if (d->pending && (touched || pipeline_kept)) {
      cb->counts.barrier_dispatches_unexamined += d->pending;
      untracked_now(cb, KRONOS_BARRIER_UNKNOWN_ACCESS, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                    VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
      r->log_read = true;
      r->unlogged = false;
   } else {
      give_dispatches(cb, d->pending);
   }
   if (r->unlogged_quiet)
      untracked_now(cb, r->unlogged_quiet_why, 0, 0);
   if (pipeline_kept) {
      bind_pipeline_now(cb, r->unlogged_pipeline); /* its reference passes on */
      r->unlogged_pipeline = NULL;
   }
   forget_unlogged(r);
   for (uint32_t bits = touched; bits; bits &= bits - 1) {
      uint32_t index = (uint32_t)__builtin_ctz(bits);
      struct kr_descriptor_set *set = r->unlogged_sets[index].set;
      struct kr_cache_entry *entry = r->unlogged_sets[index].entry;
      bind_sets_now(cb, index, 1, &set, &entry, 0, NULL);
   }
}

/* What was kept back (kr_barrier_defer.h), given to the policy in order (out of line: once
 * per request at most). */
static void __attribute__((noinline))
give_deferred(struct kr_command_buffer *cb)
{
   struct kr_barrier_recording *r = &cb->barrier;
   struct kr_barrier_deferred *d = &r->deferred;
   /* A log with dispatches is read: every later recording logs too (kr_barrier_defer.h). */
   if (d->count && kr_deferred_dispatch_count(d))
      r->log_read = true;
   /* Given in order through the *_now paths, which keep nothing back. Nothing is pending after
    * them either (none of them is a request): deferring stays as it is. */
   struct kr_deferred_op op;
   for (uint32_t at = 0; at < d->count;) {
      at = kr_deferred_read(d, at, &op);
      give_dispatches(cb, op.run);
      switch (op.kind) {
      case KR_DEFERRED_PIPELINE:
         bind_pipeline_now(cb, op.pipeline); /* the log's reference passes on */
         break;
      case KR_DEFERRED_SETS:
         bind_sets_now(cb, op.first, op.count, (struct kr_descriptor_set *const *)op.sets,
                       (struct kr_cache_entry *const *)op.entries, op.dynamic_count,
                       op.dynamic);
         break;
      case KR_DEFERRED_PUSH:
         push_set_now(cb, op.first);
         break;
      case KR_DEFERRED_UNTRACKED:
         untracked_now(cb, (enum kronos_barrier_reason)op.why, op.stages, op.writes);
         break;
      }
   }
   if (unlogged_kept(r))
      give_unlogged(cb);
   else
      give_dispatches(cb, d->pending);
   kr_deferred_clear(d);
}

/* An application barrier taken as a request: the tracker starts at the first, and what was
 * kept back goes before it; from here a request is pending, and nothing is kept back. */
static inline __attribute__((always_inline)) void
request(struct kr_command_buffer *cb, const struct kr_barrier_masks *m)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->tracking)
      start_tracking(cb);
   kr_barrier_settle(cb);
   r->deferring = false;
   kr_barrier_replay_request(&r->replay, m);
}

/* Flags other than BY_REGION (which only narrows framebuffer dependencies: leaving it out is a
 * stronger barrier) are not understood. */
static bool
flags_understood(VkDependencyFlags flags)
{
   return !(flags & ~(VkDependencyFlags)VK_DEPENDENCY_BY_REGION_BIT);
}

static bool
ownership_transfer(uint32_t src_family, uint32_t dst_family)
{
   return src_family != dst_family;
}

/* What goes to the vendor as recorded: everything pending first, and afterwards it counts as a
 * command that may write anything (layout transitions and ownership transfers write). */
static bool __attribute__((noinline))
not_understood(struct kr_command_buffer *cb)
{
   kr_barrier_untracked(cb, KRONOS_BARRIER_NOT_UNDERSTOOD, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                        VK_ACCESS_2_MEMORY_WRITE_BIT);
   return false;
}

bool
kr_barrier_request(struct kr_command_buffer *cb, VkPipelineStageFlags src_stages,
                   VkPipelineStageFlags dst_stages, VkDependencyFlags flags,
                   uint32_t memory_count, const VkMemoryBarrier *memory, uint32_t buffer_count,
                   const VkBufferMemoryBarrier *buffers, uint32_t image_count)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->active)
      return false;
   if (image_count || !flags_understood(flags))
      return not_understood(cb);
   struct kr_barrier_masks m = {.src_stages = src_stages, .dst_stages = dst_stages};
   for (uint32_t i = 0; i < memory_count; i++) {
      if (memory[i].pNext)
         return not_understood(cb);
      m.src_access |= memory[i].srcAccessMask;
      m.dst_access |= memory[i].dstAccessMask;
   }
   /* A buffer barrier's range widens to all memory: a stronger barrier. */
   for (uint32_t i = 0; i < buffer_count; i++) {
      if (buffers[i].pNext ||
          ownership_transfer(buffers[i].srcQueueFamilyIndex, buffers[i].dstQueueFamilyIndex))
         return not_understood(cb);
      m.src_access |= buffers[i].srcAccessMask;
      m.dst_access |= buffers[i].dstAccessMask;
   }
   request(cb, &m);
   return true;
}

bool
kr_barrier_request2(struct kr_command_buffer *cb, const VkDependencyInfo *info)
{
   struct kr_barrier_recording *r = &cb->barrier;
   if (!r->active)
      return false;
   r->sync2 = true;
   if (info->pNext || info->imageMemoryBarrierCount || !flags_understood(info->dependencyFlags))
      return not_understood(cb);
   /* The union of its barriers: one request per command. */
   struct kr_barrier_masks m = {0};
   for (uint32_t i = 0; i < info->memoryBarrierCount; i++) {
      const VkMemoryBarrier2 *b = &info->pMemoryBarriers[i];
      if (b->pNext)
         return not_understood(cb);
      m.src_stages |= b->srcStageMask;
      m.dst_stages |= b->dstStageMask;
      m.src_access |= b->srcAccessMask;
      m.dst_access |= b->dstAccessMask;
   }
   for (uint32_t i = 0; i < info->bufferMemoryBarrierCount; i++) {
      const VkBufferMemoryBarrier2 *b = &info->pBufferMemoryBarriers[i];
      if (b->pNext || ownership_transfer(b->srcQueueFamilyIndex, b->dstQueueFamilyIndex))
         return not_understood(cb);
      m.src_stages |= b->srcStageMask;
      m.dst_stages |= b->dstStageMask;
      m.src_access |= b->srcAccessMask;
      m.dst_access |= b->dstAccessMask;
   }
   request(cb, &m);
   return true;
}
