/* SPDX-License-Identifier: MIT */
/* Kronos's descriptor objects (persistent descriptors, DESIGN §4.4): set layouts, pipeline
 * layouts, descriptor pools, descriptor sets and update templates are Kronos objects, so a
 * handle leads straight to what Kronos knows of it.
 *
 * A set of a layout Kronos models is a record (kr_descriptor_record.h) and has no vendor set of
 * its own: binding it finds a vendor set by content in the device's cache
 * (kr_descriptor_cache.h). A set of any other layout (update-after-bind, partially bound,
 * variable count, mutable types; every layout with KRONOS_DISABLE=descriptor) is a vendor set,
 * written as the application writes it; it keeps a shadow record too where its types allow, so
 * copies between the two kinds work. */
#ifndef KR_DESCRIPTOR_H
#define KR_DESCRIPTOR_H

#include <stdalign.h>
#include <stddef.h>
#include <stdatomic.h>

#include "kr_descriptor_cache.h"
#include "kr_descriptor_model.h"
#include "kr_descriptor_record.h"
#include "kr_objects.h"
#include "kr_util.h"

/* Vendor pools that hold the cache's vendor sets of one layout (used under the cache lock). */
struct kr_vendor_set_pool {
   VkDescriptorPool pool;
   uint32_t capacity, live;
   bool full; /* the vendor refused an allocation: skip it until a set is freed */
};

/* Set layouts outlive vkDestroyDescriptorSetLayout while sets or cached vendor sets of theirs
 * exist (sets stay bindable after their layout is destroyed), so they are reference counted and
 * live on the device's allocator. */
struct kr_descriptor_set_layout {
   struct kr_object_base base;
   struct kr_device *device;
   VkDescriptorSetLayout handle;
   /* refs: everything that keeps the object (users, and the cache's vendor sets of it); users:
    * the application's handle and the sets of the layout. When the last user goes no set of the
    * layout can be bound again, and its cached vendor sets go too. */
   _Atomic uint32_t refs;
   _Atomic uint32_t users;
   /* Never the same for two layouts of the process: what a kept set (below) remembers of its
    * layout, holding no reference (a set freed for good keeps nothing alive). */
   uint64_t serial;
   struct kr_set_layout_model model;
   bool shadowed; /* vendor sets of this layout keep a shadow record */
   uint32_t pool_count;
   struct kr_vendor_set_pool *pools;
};

struct kr_pipeline_layout {
   struct kr_object_base base;
   VkPipelineLayout handle;
   uint32_t set_count;
};

struct kr_descriptor_set;

struct kr_descriptor_pool {
   struct kr_object_base base;
   struct kr_device *device;
   VkAllocationCallbacks alloc_storage;
   const VkAllocationCallbacks *alloc;
   VkDescriptorPoolCreateFlags flags;
   struct kr_pool_budget budget;
   /* The vendor pool for vendor sets: made at creation when the pool needs what Kronos cannot
    * copy for later, else on the first vendor set (from the saved description below). */
   VkDescriptorPool vendor;
   uint32_t saved_size_count;
   VkDescriptorPoolSize *saved_sizes;
   bool saved_inline;
   VkDescriptorPoolInlineUniformBlockCreateInfo saved_inline_info;
   struct kr_descriptor_set *sets; /* doubly linked */
   /* Freed sets kept for reuse (a framework frees or resets and allocates again every
    * operation): singly linked through next. */
   struct kr_descriptor_set *recycled;
   uint32_t recycled_count;
};

/* Cache-line aligned (KR_CACHE_LINE; sets are allocated so), since a program updates and binds
 * hundreds of sets per submit, each cold in the CPU's cache by its next recording: what updates
 * and binds read comes first, in the first cache line (hold_hint to the record's
 * inline_changed; the layout, the vendor set and the object's base, which they never read,
 * come later), and the record's descriptors, which follow the set, start a line of their own.
 * The barrier policy reads a bound set's model through its record, in that line too. */
struct kr_descriptor_set {
   /* Where a command buffer keeps its hold on the cache entry it last bound this set through
    * (an index into its held or carried holds), so that binding it again in a later recording
    * needs no lookup: a hint, checked against the command buffer's own arrays. */
   alignas(KR_CACHE_LINE) atomic_uint hold_hint;
   /* A record with no vendor set of its own (its layout is modeled): has_record and no vendor,
    * in this line. */
   bool is_record;
   bool has_record;
   /* Freed or reset into the pool's recycled sets with its record's content and cache link
    * kept, so that the next set of its layout (kept_serial; the layout pointer is not kept: the
    * layout may be destroyed meanwhile) can reopen it (kr_descriptor_record_reopen). */
   bool kept;
   /* A vendor set's shadow record missed an update Kronos could not read (a copy from a set
    * without a record): copies from it into records are refused from then on. */
   bool shadow_lost;
   struct kr_descriptor_record record;
   struct kr_descriptor_set_layout *layout;
   VkDescriptorSet vendor; /* a vendor set; VK_NULL_HANDLE for a record */
   struct kr_object_base base;
   struct kr_descriptor_pool *pool;
   struct kr_descriptor_set *prev, *next;
   size_t size; /* of its allocation (the set and its record) */
   uint64_t kept_serial;
};
_Static_assert(offsetof(struct kr_descriptor_set, record.inline_changed) < KR_CACHE_LINE,
               "what updates and binds read is in the set's first cache line");
_Static_assert(sizeof(struct kr_descriptor_set) % KR_CACHE_LINE == 0,
               "the record's descriptors, after the set, start a cache line");

struct kr_descriptor_update_template {
   struct kr_object_base base;
   VkDescriptorUpdateTemplateType type;
   VkDescriptorUpdateTemplate vendor; /* for vendor sets and pushes; else VK_NULL_HANDLE */
   uint32_t entry_count;
   VkDescriptorUpdateTemplateEntry *entries;
};

KR_DEFINE_NONDISPATCHABLE_CASTS(kr_descriptor_set_layout, VkDescriptorSetLayout)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_pipeline_layout, VkPipelineLayout)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_descriptor_pool, VkDescriptorPool)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_descriptor_set, VkDescriptorSet)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_descriptor_update_template, VkDescriptorUpdateTemplate)

static inline VkPipelineLayout
kr_pipeline_layout_vendor(VkPipelineLayout layout)
{
   return layout ? kr_pipeline_layout_from_handle(layout)->handle : VK_NULL_HANDLE;
}

static inline VkDescriptorSetLayout
kr_descriptor_set_layout_vendor(VkDescriptorSetLayout layout)
{
   return layout ? kr_descriptor_set_layout_from_handle(layout)->handle : VK_NULL_HANDLE;
}

void kr_descriptor_set_layout_ref(struct kr_descriptor_set_layout *layout);
void kr_descriptor_set_layout_unref(struct kr_descriptor_set_layout *layout);
void kr_descriptor_set_layout_use(struct kr_descriptor_set_layout *layout);
void kr_descriptor_set_layout_unuse(struct kr_descriptor_set_layout *layout);

/* The device's cache (kr_device.c sets it up with these). */
VkResult kr_device_descriptors_init(struct kr_device *device);
void kr_device_descriptors_finish(struct kr_device *device);

/* Vendor descriptor writes, counted where the vendor is called. */
void kr_vendor_update_descriptor_sets(struct kr_device *device, uint32_t write_count,
                                      const VkWriteDescriptorSet *writes, uint32_t copy_count,
                                      const VkCopyDescriptorSet *copies);

/* The holds a command buffer took on cached vendor sets while recording, and those it carried
 * from the recording before: all let go (freed, or reset releasing its resources). */
void kr_command_buffer_release_descriptors(struct kr_command_buffer *cb);

/* A reset or begin: the recording's holds are carried, for the next recording to take over
 * what it binds again (any carried before are let go). */
void kr_command_buffer_carry_descriptors(struct kr_command_buffer *cb);

/* A reset: the holds are let go where it releases resources, else carried. */
void kr_command_buffer_reset_descriptors(struct kr_command_buffer *cb, bool release_resources);

/* vkEndCommandBuffer: the carried holds the recording did not take over are let go. */
void kr_command_buffer_end_descriptors(struct kr_command_buffer *cb);

#endif
