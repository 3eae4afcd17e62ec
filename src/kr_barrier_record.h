/* SPDX-License-Identifier: MIT */
/* The barrier policy in command buffers (DESIGN §4.3): what each recorded command means to the
 * tracker (kr_barrier_policy.h), and the barriers it gives the vendor. Primary command buffers
 * only: a secondary's barriers pass through as recorded (what runs before it is not known), and
 * vkCmdExecuteCommands is a command the policy does not see into. The tracker starts at the
 * recording's first request, and commands recorded while nothing is pending wait in a log
 * (kr_barrier_defer.h); KRONOS_BARRIER_DEFER=0 works out every command as it comes.
 * KRONOS_DISABLE=barrier forwards every barrier as recorded; KRONOS_BARRIER_DROP_ALL=1 (a debug
 * setting, for race tests) gives the vendor none. */
#ifndef KR_BARRIER_RECORD_H
#define KR_BARRIER_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_barrier_defer.h"
#include "kr_barrier_objects.h"
#include "kr_barrier_policy.h"
#include "kr_barrier_replay.h"

struct kr_command_buffer;
struct kr_command_pool;
struct kr_descriptor_set;
struct kr_cache_entry;
struct kr_barrier_resolved;

/* Replay logs a command pool keeps from its freed command buffers. */
#define KR_POOL_SPARE_LOGS 4u

#define KR_BARRIER_BOUND_SETS 32
#define KR_BARRIER_DYNAMIC_OFFSETS 16
_Static_assert(KR_BARRIER_BOUND_SETS <= 32, "each set index the policy follows has a bit");

/* What the dispatches of a recording would read through each set index. */
struct kr_barrier_bound_set {
   struct kr_descriptor_set *set; /* NULL: nothing bound, or what is bound is not known */
   /* The buffer ranges of the set's content, resolved once per descriptor cache entry (its
    * derived data, kept by the entry the command buffer holds); NULL: read the set's record.
    * Dropped when a buffer of the device is destroyed (buffer_generation). */
   const struct kr_barrier_resolved *resolved;
   /* The serial of the cache entry `resolved` came from (kr_cache_entry.serial): the replay key
    * names the ranges by it, without reading them. */
   uint64_t entry_serial;
   uint32_t dynamic_count;
   uint32_t dynamic[KR_BARRIER_DYNAMIC_OFFSETS];
};

/* A buffer's binding as a recording keeps it (buffer 0: an empty slot). */
struct kr_barrier_cached_buffer {
   uint64_t buffer;
   uint64_t size, memory, offset;
};

/* Slots of the recording's buffer bindings (a power of two). */
#define KR_BARRIER_BUFFER_CACHE_LOG2 5

struct kr_barrier_recording {
   bool active; /* the policy runs on this recording */
   /* The tracker (through the replay) has begun: from the recording's first request on. Before
    * it, commands are not worked out at all: the tracker's wildcard of earlier submits (every
    * byte, every stage, every write) stands before them and decides for them, whatever a later
    * request orders them against (test_barrier_policy checks that the decisions are the same). A
    * recording without requests costs the policy nothing but its binds. KRONOS_BARRIER_DEFER=0
    * begins it with the recording. */
   bool tracking;
   /* Nothing is pending (a barrier went to the vendor, no request since): binds and direct
    * dispatches go to `deferred` instead of the policy (kr_barrier_defer.h). */
   bool deferring;
   /* Kept without a log (kr_barrier_defer.h): one-set binds in unlogged_sets, the indices in
    * unlogged_touched (bit i: index i), dispatches in deferred.pending; the log stays empty. */
   bool unlogged;
   uint32_t unlogged_touched;
   struct kr_barrier_deferred deferred;
   bool sync2;  /* the application used vkCmdPipelineBarrier2: synchronization2 is enabled */
   bool replay_ready; /* replay initialized (at the first recording) */
   /* The tracker, behind the log of the previous recording's decisions (kr_barrier_replay.h):
    * kept across recordings of the command buffer. */
   struct kr_barrier_replay replay;
   uint64_t replayed_before, diverged_before; /* the replay's counters when recording began */
   struct kr_pipeline_accesses *pipeline; /* the bound compute pipeline's, referenced */
   struct kr_barrier_bound_set sets[KR_BARRIER_BOUND_SETS];
   uint32_t sets_touched; /* sets[] past this index are all empty */
   /* Unlogged kept binds: each set index's last, with its cache entry. */
   struct {
      struct kr_descriptor_set *set;
      struct kr_cache_entry *entry;
   } unlogged_sets[KR_BARRIER_BOUND_SETS];
   /* Unlogged: a pipeline other than the one bound was kept (its accesses, referenced; NULL
    * where not known), the last. */
   bool unlogged_pipeline_kept;
   struct kr_pipeline_accesses *unlogged_pipeline;
   /* Unlogged: commands that touch no memory (timestamps) were kept; the reason of the last,
    * which stands for them all (they all give the policy the same: nothing to order). */
   bool unlogged_quiet;
   enum kronos_barrier_reason unlogged_quiet_why;
   /* A recording of this command buffer gave the policy a kept log with dispatches in it (or
    * unlogged dispatches after a bind): every later recording logs (kr_barrier_defer.h).
    * Cleared when the command buffer is freed or its resources released. */
   bool log_read;
   /* A recording with a request has ended: the next may keep no log, unless log_read. */
   bool unlogged_next;
   struct kr_barrier_access *accesses; /* a dispatch's, reused */
   uint32_t access_capacity;
   /* The last dispatch's accesses, the first dispatch_count of accesses, while nothing they
    * come from changed: the pipeline, the bound sets, the indirect buffer and offset, and the
    * buffers (buffer_generation). A valid recording cannot change a bound set's contents. */
   bool dispatch_valid;
   uint32_t dispatch_count;
   VkBuffer dispatch_indirect;
   VkDeviceSize dispatch_offset;
   /* Buffer bindings looked up in this recording, by a hash of the handle: a binding never
    * changes once made, and while the device's count of destroyed buffers stays
    * buffer_generation no handle can name another buffer. */
   uint64_t buffer_generation;
   struct kr_barrier_cached_buffer buffers[1u << KR_BARRIER_BUFFER_CACHE_LOG2];
};

/* Lifetime, from the command buffer's own calls. Finishing (the command buffer is freed) leaves
 * its replay log, when whole, with the pool for the next command buffer it allocates. */
void kr_barrier_recording_begin(struct kr_command_buffer *cb);
void kr_barrier_recording_end(struct kr_command_buffer *cb);
void kr_barrier_recording_finish(struct kr_command_buffer *cb);
/* A reset that releases resources (VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT, or the
 * pool's): the recording's memory goes, its replay log with it. */
void kr_barrier_recording_release(struct kr_command_buffer *cb);
/* The pool is trimmed, reset releasing its resources, or destroyed: its spare logs go. */
void kr_barrier_pool_release_logs(struct kr_command_pool *pool);

/* A command the policy does not understand (the generated trampolines call this): every pending
 * barrier goes to the vendor first; the command may then touch memory in `stages` with the
 * writes `writes` (stages 0: none). */
void kr_barrier_untracked(struct kr_command_buffer *cb, enum kronos_barrier_reason why,
                          VkPipelineStageFlags2 stages, VkAccessFlags2 writes);

/* Gives the policy what was kept back while nothing was pending (kr_barrier_defer.h), in
 * order, if anything was: before any command the policy sees but a bind or a direct dispatch. */
void kr_barrier_settle(struct kr_command_buffer *cb);

/* Before a dispatch goes to the vendor (indirect: its argument buffer, else VK_NULL_HANDLE). */
void kr_barrier_dispatch(struct kr_command_buffer *cb, VkBuffer indirect, VkDeviceSize offset);

/* kr_barrier_dispatch's common case, inline and without a call (so the caller's fast path needs
 * no frame): true when the policy is done with the dispatch (before the recording's first
 * request: counted in *unexamined; or, a direct one, kept back: kr_barrier_defer.h); false when
 * kr_barrier_dispatch_given must give it to the policy now. */
static inline bool
kr_barrier_dispatch_kept(struct kr_barrier_recording *r, VkBuffer indirect,
                         uint32_t *unexamined)
{
   if (!r->tracking) {
      *unexamined += r->active;
      return true;
   }
   return r->deferring && !indirect && kr_deferred_dispatch(&r->deferred);
}

/* A dispatch given to the policy now, after what was kept back. */
void kr_barrier_dispatch_given(struct kr_command_buffer *cb, VkBuffer indirect,
                               VkDeviceSize offset);

/* For tracked commands: appends the access of bytes [offset, offset + size) of buffer
 * (VK_WHOLE_SIZE: to its end) to the recording's access list, at *used; false when the buffer's
 * memory is not known (or out of host memory). kr_barrier_command then gives the tracker the
 * first `count` of the list, and the vendor any barrier it asks for. */
bool kr_barrier_add_buffer_access(struct kr_command_buffer *cb, uint32_t *used, VkBuffer buffer,
                                  VkDeviceSize offset, VkDeviceSize size,
                                  enum kr_barrier_access_kind kind);
void kr_barrier_command(struct kr_command_buffer *cb, uint32_t count);

/* What dispatches will use. */
void kr_barrier_bind_pipeline(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                              VkPipeline pipeline);
/* entries: the descriptor cache entry each set was bound through, held by the command buffer
 * until it is reset or freed (NULL for a set bound as it is, or entries NULL for none). */
void kr_barrier_bind_sets(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                          uint32_t first, uint32_t count, const VkDescriptorSet *sets,
                          struct kr_cache_entry *const *entries, uint32_t dynamic_count,
                          const uint32_t *dynamic_offsets);
/* The same for one set (its object, and the entry it was bound through, or NULL). */
void kr_barrier_bind_one_set(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                             uint32_t index, struct kr_descriptor_set *set,
                             struct kr_cache_entry *entry, uint32_t dynamic_count,
                             const uint32_t *dynamic_offsets);
void kr_barrier_push_set(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                         uint32_t set);

/* What kr_barrier_bind_one_set would do with a bind of one set, told inline and without a call
 * (so a caller's fast path needs no frame). */
enum kr_barrier_bind_way {
   KR_BARRIER_BIND_IGNORED, /* the policy does not follow it: nothing to do */
   KR_BARRIER_BIND_KEPT,    /* kept back as it is: kr_barrier_keep_one_set */
   KR_BARRIER_BIND_OTHER,   /* any other way: kr_barrier_bind_one_set */
};

static inline enum kr_barrier_bind_way
kr_barrier_one_set_way(const struct kr_barrier_recording *r, VkPipelineBindPoint bind_point,
                       uint32_t index, uint32_t dynamic_count)
{
   if (!r->active || bind_point != VK_PIPELINE_BIND_POINT_COMPUTE)
      return KR_BARRIER_BIND_IGNORED;
   if (r->deferring && index < KR_BARRIER_BOUND_SETS && !dynamic_count &&
       (r->unlogged || kr_deferred_room(&r->deferred, 3)))
      return KR_BARRIER_BIND_KEPT;
   return KR_BARRIER_BIND_OTHER;
}

/* Unlogged (kr_barrier_defer.h): set, with its cache entry, the last kept at index
 * (< KR_BARRIER_BOUND_SETS). */
static inline void
kr_barrier_keep_set_unlogged(struct kr_barrier_recording *r, uint32_t index,
                             struct kr_descriptor_set *set, struct kr_cache_entry *entry)
{
   r->unlogged_sets[index].set = set;
   r->unlogged_sets[index].entry = entry;
   r->unlogged_touched |= 1u << index;
}

/* The bind kr_barrier_one_set_way found KR_BARRIER_BIND_KEPT, kept back (what
 * kr_barrier_bind_one_set does with it). */
static inline void
kr_barrier_keep_one_set(struct kr_barrier_recording *r, uint32_t index,
                        struct kr_descriptor_set *set, struct kr_cache_entry *entry)
{
   if (r->unlogged)
      kr_barrier_keep_set_unlogged(r, index, set, entry);
   else
      kr_deferred_put_one_set(&r->deferred, index, set, entry);
}

/* The application's barriers: true when the policy took it as a request; false when it must be
 * forwarded as recorded (everything pending went to the vendor before it then). */
bool kr_barrier_request(struct kr_command_buffer *cb, VkPipelineStageFlags src_stages,
                        VkPipelineStageFlags dst_stages, VkDependencyFlags flags,
                        uint32_t memory_count, const VkMemoryBarrier *memory,
                        uint32_t buffer_count, const VkBufferMemoryBarrier *buffers,
                        uint32_t image_count);
bool kr_barrier_request2(struct kr_command_buffer *cb, const VkDependencyInfo *info);

/* Whether barriers the application records go to the vendor (false: KRONOS_BARRIER_DROP_ALL). */
bool kr_barrier_forwarded(const struct kr_command_buffer *cb);

#endif
