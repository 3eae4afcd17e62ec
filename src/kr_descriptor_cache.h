/* SPDX-License-Identifier: MIT */
/* The per-device cache of vendor descriptor sets, found by content (persistent descriptors,
 * DESIGN §4.4). Binding a record finds the vendor set written with the same layout and the same
 * descriptors; a miss makes one through ops->create (allocate + write once) and keeps it.
 *
 * Lifetime:
 * - An entry's *holders* are command buffers that bound it (one reference per recording): while
 *   held, its vendor set may be used by pending or re-submitted work, so it is never freed.
 *   Holders let go when the command buffer is reset, re-begun or freed.
 * - An entry names objects (buffers, views, samplers); destroying one unlinks every entry naming
 *   it (kr_descriptor_cache_forget_object), so a new object that gets the same handle value never
 *   finds the old vendor set. An unlinked entry's vendor set is freed once no holder remains.
 * - At most max_entries entries stay linked: beyond that, the least recently released entries
 *   that no command buffer holds are evicted (vendor set freed).
 * - A record keeps a weak link to the entry it was last bound through (a fast path for binding
 *   an unchanged set again): the entry's memory stays while records link to it, its vendor set
 *   does not.
 *
 * Every function takes the cache's lock, except the *_locked ones, whose caller holds it
 * (kr_descriptor_cache_lock); ops are called under it (allocating and writing a vendor
 * descriptor set never blocks). */
#ifndef KR_DESCRIPTOR_CACHE_H
#define KR_DESCRIPTOR_CACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_descriptor_record.h"
#include "kr_stats.h"
#include "kr_util.h"

struct kr_descriptor_cache_ops {
   /* Makes a vendor set of layout holding the content: VK_SUCCESS, or the error to report. */
   VkResult (*create)(void *context, void *layout, const struct kr_set_layout_model *model,
                      const struct kr_descriptor *descriptors, const uint8_t *inline_bytes,
                      uint64_t *vendor_set, uint64_t *vendor_pool);
   /* Frees a vendor set create made (from vendor_pool). */
   void (*destroy)(void *context, void *layout, uint64_t vendor_set, uint64_t vendor_pool);
};

struct kr_cache_object_link;

struct kr_cache_entry {
   /* What a bind of a held entry and the barrier policy read for every dispatch come first, in
    * the entry's first cache line (entries are KR_CACHE_LINE aligned): a program binds
    * hundreds of entries per submit, each cold in the CPU's cache by its next recording. */
   union {
      uint64_t vendor_set; /* 0 once freed */
      /* The same as the vendor's handle, as the cache stores it, whose address a bind of the
       * entry gives the vendor (a held entry's vendor set never changes), so that the bind
       * needs no copy of its own. */
      VkDescriptorSet vendor_handle;
   };
   _Static_assert(sizeof(uint64_t) == sizeof(VkDescriptorSet), "a handle is 64 bits");
   /* What another module derived from the content, which never changes (the barrier policy's
    * resolved buffer ranges, kr_barrier_record.c): NULL until published, immutable after, freed
    * with the entry's memory. Published without the lock (first writer wins). */
   _Atomic(void *) derived;
   /* Unique among the cache's entries, ever (never reused with the entry's memory): what the
    * barrier policy's replay keys name the entry's content, and what is derived from it, by. */
   uint64_t serial;
   /* In the cache (found by content and by the objects it names); false once unlinked, never
    * true again. Atomic: a command buffer that holds the entry reads it without the lock. */
   atomic_bool linked;
   struct kr_cache_entry *bucket_next;
   /* On the idle list (linked, no holder) or, once unlinked, on the unlinked list until
    * freed. */
   struct kr_cache_entry *idle_prev, *idle_next;
   void *layout;
   const struct kr_set_layout_model *model;
   uint64_t hash;
   uint64_t vendor_pool;
   uint64_t last_holder;
   uint32_t holders;
   uint32_t records;
   uint32_t link_count;
   struct kr_cache_object_link *links;
   struct kr_descriptor *descriptors;
   uint8_t *inline_bytes;
   size_t bytes;
   size_t derived_bytes; /* written once, by the thread whose block was published */
};

struct kr_descriptor_cache {
   pthread_mutex_t lock;
   const VkAllocationCallbacks *alloc;
   const struct kr_descriptor_cache_ops *ops;
   void *context;
   struct kr_stats *stats;
   uint32_t max_entries;
   struct kr_cache_entry **buckets;
   uint32_t bucket_count; /* a power of two */
   uint32_t linked_count;
   struct kr_cache_object_link **object_buckets;
   uint32_t object_bucket_count; /* a power of two */
   uint32_t link_total;
   struct kr_cache_entry idle; /* sentinel: idle.idle_next is the most recently released */
   struct kr_cache_entry unlinked; /* sentinel: unlinked entries still held or linked to */
   uint32_t vendor_sets;       /* live vendor sets */
   uint64_t bytes;             /* host memory of the entries */
   uint64_t next_serial;       /* kr_cache_entry.serial of the next entry made */
};

VkResult kr_descriptor_cache_init(struct kr_descriptor_cache *cache,
                                  const struct kr_descriptor_cache_ops *ops, void *context,
                                  uint32_t max_entries, const VkAllocationCallbacks *alloc,
                                  struct kr_stats *stats);

/* Frees every entry and vendor set (the device is going away). */
void kr_descriptor_cache_finish(struct kr_descriptor_cache *cache);

/* The vendor set for the record's current content, held for holder (a value unique to one
 * recording of one command buffer): *new_hold tells whether this call took a new hold, which
 * the caller must release later. A holder that already holds the entry takes none when it was
 * the entry's latest holder or the entry is among `recent` (the holder's latest holds); else it
 * takes one more (released like the first), so a command buffer binding the same sets over and
 * over keeps a short list. Errors: the create
 * op's, or VK_ERROR_OUT_OF_HOST_MEMORY. */
VkResult kr_descriptor_cache_bind(struct kr_descriptor_cache *cache, void *layout,
                                  struct kr_descriptor_record *record, uint64_t holder,
                                  struct kr_cache_entry *const *recent, uint32_t recent_count,
                                  struct kr_cache_entry **entry, bool *new_hold);

/* Lets go of count holds. */
void kr_descriptor_cache_release(struct kr_descriptor_cache *cache,
                                 struct kr_cache_entry *const *entries, uint32_t count);

/* The two above for a caller that holds the cache's lock: binding several sets in one command
 * takes it once. */
void kr_descriptor_cache_lock(struct kr_descriptor_cache *cache);
void kr_descriptor_cache_unlock(struct kr_descriptor_cache *cache);
VkResult kr_descriptor_cache_bind_locked(struct kr_descriptor_cache *cache, void *layout,
                                         struct kr_descriptor_record *record, uint64_t holder,
                                         struct kr_cache_entry *const *recent,
                                         uint32_t recent_count, struct kr_cache_entry **entry,
                                         bool *new_hold);
void kr_descriptor_cache_release_locked(struct kr_descriptor_cache *cache,
                                        struct kr_cache_entry *const *entries, uint32_t count);

/* The entry's derived data (see kr_cache_entry.derived), or NULL. Valid while the entry is held:
 * an entry unlinked because an object it names was destroyed is never found by a bind again, so
 * whatever was derived from that object stays with the holders of the old entry. */
static inline const void *
kr_descriptor_cache_derived(const struct kr_cache_entry *entry)
{
   return atomic_load_explicit(&((struct kr_cache_entry *)entry)->derived, memory_order_acquire);
}

/* Publishes derived data (a single block of `size` bytes allocated through the cache's
 * allocator, counted in the cache's memory statistic while the entry lives) for an entry the
 * caller holds, unless another thread published first: returns the block that stays, having
 * freed the other. */
const void *kr_descriptor_cache_publish_derived(struct kr_descriptor_cache *cache,
                                                struct kr_cache_entry *entry, void *derived,
                                                size_t size);

/* The record is going away: drops its link to an entry. */
void kr_descriptor_cache_forget_record(struct kr_descriptor_cache *cache,
                                       struct kr_descriptor_record *record);

/* Settles a record (kr_descriptor_record_settle) that other threads may read at the same time
 * (a copy's source): under the cache's lock, where binding settles. */
void kr_descriptor_cache_settle_record(struct kr_descriptor_cache *cache,
                                       struct kr_descriptor_record *record);

/* No set of the layout exists any more, nor can one be made: every entry of it is unlinked
 * (freed once no command buffer holds it). */
void kr_descriptor_cache_forget_layout(struct kr_descriptor_cache *cache, const void *layout);

/* An object (buffer, buffer view, image view, sampler) is being destroyed: every entry naming
 * its handle is unlinked. */
void kr_descriptor_cache_forget_object(struct kr_descriptor_cache *cache, uint64_t handle);

#endif
