/* SPDX-License-Identifier: MIT */
/* What the barrier policy must know of objects Kronos does not wrap (issue 11): each buffer's
 * size and the vendor memory and offset it is bound to, each shader module's SPIR-V, and each
 * compute pipeline's accesses (SPIR-V reflection at creation). Per device, in handle maps under
 * one read-write lock that is never held across a vendor call. With KRONOS_DISABLE=barrier
 * none of it is kept. */
#ifndef KR_BARRIER_OBJECTS_H
#define KR_BARRIER_OBJECTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_handle_map.h"

struct kr_device;

/* A buffer as the policy sees it (copied out of the map). */
struct kr_buffer_binding {
   uint64_t size;
   uint64_t memory; /* the vendor VkDeviceMemory; 0 while unbound */
   uint64_t offset; /* of the buffer in it */
   bool sparse;     /* its bytes may live anywhere: every access to it is unknown */
};

/* What a compute pipeline's shader can touch, by (set, binding). */
struct kr_pipeline_access_resource {
   uint32_t set, binding;
   bool read, written;
};

struct kr_pipeline_accesses {
   _Atomic uint32_t refs; /* the pipeline, and command buffers that bound it */
   const VkAllocationCallbacks *alloc;
   bool unknown_memory; /* touches memory no descriptor names, or not understood */
   /* Robust buffer access (the device's, or VK_EXT_pipeline_robustness's): an out-of-bounds
    * access may touch any byte of the buffer, so a descriptor's accesses cover all of it. */
   bool whole_buffers;
   /* robustBufferAccess2 (the device's, or asked for by the pipeline): bounds are checked
    * against a descriptor's range rounded up to robust*BufferAccessSizeAlignment (at most 256),
    * so accesses reach that far. */
   bool pad_ranges;
   const char *why;
   /* Unique in the process (kr_barrier_serial): the replay keys of dispatches name the pipeline
    * by it, as its address may be reused once it is freed. */
   uint64_t serial;
   uint32_t set_mask; /* the set indices below 32 that its resources are in */
   bool sets_beyond;  /* a resource is in set 32 or above */
   uint32_t count;
   struct kr_pipeline_access_resource resources[];
};

/* A number no earlier call returned (in this process). */
uint64_t kr_barrier_serial(void);

struct kr_barrier_objects {
   bool enabled;
   /* robustBufferAccess without robustBufferAccess2: an out-of-bounds store through a
    * descriptor "may modify any value within the memory range bound to the buffer", so a
    * descriptor's accesses cover its whole buffer. */
   bool whole_buffers;
   pthread_rwlock_t lock;
   struct kr_handle_map buffers, modules, pipelines;
   /* Buffers destroyed so far: a recording that keeps the bindings it looked up (they never
    * change once made) forgets them when this moves, as a handle may then name another
    * buffer. Relaxed: the application orders a destroy before any use of a reused handle. */
   _Atomic uint64_t buffers_destroyed;
};

VkResult kr_barrier_objects_init(struct kr_device *device);
void kr_barrier_objects_finish(struct kr_device *device);

/* Hooks of the commands that make, bind and destroy them (after the vendor's call succeeded;
 * before it for destroys). Out of host memory only loses knowledge: what the policy does not
 * know it treats as touching everything. */
void kr_barrier_buffer_created(struct kr_device *device, VkBuffer buffer,
                               const VkBufferCreateInfo *info);
void kr_barrier_buffer_bound(struct kr_device *device, VkBuffer buffer, VkDeviceMemory vendor,
                             VkDeviceSize offset);
void kr_barrier_buffer_destroyed(struct kr_device *device, VkBuffer buffer);
bool kr_barrier_buffer_lookup(struct kr_device *device, VkBuffer buffer,
                              struct kr_buffer_binding *out);
/* The count of buffers destroyed so far (see buffers_destroyed); inline, as every bind and
 * dispatch of a tracked recording reads it. */
static inline uint64_t
kr_barrier_buffers_destroyed(const struct kr_barrier_objects *objects)
{
   return atomic_load_explicit(&objects->buffers_destroyed, memory_order_relaxed);
}

void kr_barrier_pipelines_created(struct kr_device *device, uint32_t count,
                                  const VkComputePipelineCreateInfo *infos,
                                  const VkPipeline *pipelines);
/* A reference to the pipeline's accesses, or NULL when not known (release with _unref). */
struct kr_pipeline_accesses *kr_barrier_pipeline_lookup(struct kr_device *device,
                                                        VkPipeline pipeline);
void kr_pipeline_accesses_unref(struct kr_pipeline_accesses *accesses);

#endif
