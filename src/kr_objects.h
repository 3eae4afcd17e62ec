/* SPDX-License-Identifier: MIT */
/* Kronos's Vulkan objects. Every dispatchable object starts with the loader's word, then its
 * struct kr_object_base (kr_object.h); other objects start with their base. The vendor's handle
 * and the vendor dispatch table live inside, so a handle leads straight to its object. */
#ifndef KR_OBJECTS_H
#define KR_OBJECTS_H

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

#include "kr_barrier_record.h"
#include "kr_compact.h"
#include "kr_descriptor_cache.h"
#include "kr_dispatch_table.h"
#include "kr_memory_pool.h"
#include "kr_object.h"
#include "kr_profile.h"
#include "kr_stats.h"
#include "kr_layer_chain.h"
#include "kr_lost_signals.h"
#include "kr_sync.h"
#include "kr_util.h"
#include "kr_vendor.h"

/* One vendor driver's instance under a Kronos instance. */
struct kr_vendor_instance {
   const struct kr_vendor *vendor;
   VkInstance handle;
   uint32_t api_version;
   struct kr_instance_dispatch disp;
   PFN_vkGetDeviceProcAddr gdpa;
   bool debug_utils; /* VK_EXT_debug_utils enabled on the vendor instance */
   /* Under KRONOS_VENDOR_LAYERS: the instance and its devices were made through the layers'
    * chains, and every vendor dispatchable object carries a dispatch word (kr_layer_chain.h);
    * the terminal's address is this instance's. */
   bool layered;
   struct kr_layer_terminal terminal;
};

/* Everything Kronos reports about a physical device, captured once from the vendor. */
struct kr_physical_device_state {
   uint32_t api_version;
   uint32_t driver_version;
   uint32_t vendor_id;
   uint32_t device_id;
   VkPhysicalDeviceType device_type;
   char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
   uint8_t pipeline_cache_uuid[VK_UUID_SIZE];
   struct kr_compact_limits limits;
   VkPhysicalDeviceSparseProperties sparse;
   struct kr_feature_set features;
   struct kr_extension_set extensions;
   uint32_t extension_spec_versions[KR_DEVICE_EXTENSION_COUNT];
   uint32_t queue_family_count;
   struct kr_queue_family queue_families[KR_MAX_QUEUE_FAMILIES];
   struct kr_queue_family_map queue_family_map; /* Kronos family index <-> vendor's */
   struct kr_memory_layout memory;
   /* Extension property structures (kr_property_structs order), NULL where not offered. */
   void *properties[KR_PROPERTY_STRUCT_COUNT];
};

struct kr_physical_device {
   VK_LOADER_DATA loader_data;
   struct kr_object_base base;
   struct kr_instance *instance;
   struct kr_vendor_instance *vendor;
   const struct kr_instance_dispatch *disp;
   VkPhysicalDevice handle;
   /* Where enumeration found it: the vendors in order, then each vendor's own device order.
    * Devices of one type keep this order when discrete GPUs are listed first
    * (kr_device_order.h). */
   uint32_t enumeration_index;
   /* The version Kronos uses the vendor's device at: the device's (state.api_version, what is
    * reported) within its vendor instance's. Structure chains and commands given to the
    * vendor stay within it. */
   uint32_t api_version;
   struct kr_physical_device_state state;
};

struct kr_instance {
   VK_LOADER_DATA loader_data;
   struct kr_object_base base;
   VkAllocationCallbacks alloc_storage;
   const VkAllocationCallbacks *alloc; /* &alloc_storage, or NULL for the C library */
   uint32_t api_version;
   struct kr_vendor_list vendors; /* the process's (kr_vendor_set.h), not the instance's */
   struct kr_vendor_layer_list layers; /* KRONOS_VENDOR_LAYERS, for every vendor instance */
   uint32_t vendor_instance_count;
   struct kr_vendor_instance *vendor_instances;
   uint32_t physical_device_count;
   struct kr_physical_device **physical_devices;
};

struct kr_queue {
   VK_LOADER_DATA loader_data;
   struct kr_object_base base;
   struct kr_device *device;
   const struct kr_device_dispatch *disp;
   VkQueue handle;
   uint32_t family;
   uint32_t index;
   VkDeviceQueueCreateFlags flags;
   struct kr_queue_batch *batch; /* submit batching; NULL when the device does not batch */
};

struct kr_flusher;

struct kr_device {
   VK_LOADER_DATA loader_data;
   struct kr_object_base base;
   struct kr_physical_device *physical;
   VkAllocationCallbacks alloc_storage;
   const VkAllocationCallbacks *alloc;
   VkDevice handle;
   uint32_t api_version;
   struct kr_feature_set enabled_features;
   struct kr_extension_set enabled_extensions;
   uint32_t queue_count;
   struct kr_queue *queues;
   struct kr_stats stats;
   struct kr_memory_pools pools;
   /* Submit batching (kr_queue_batch.h): on when batching, the time-bound flusher, threads
    * waiting for fences to be submitted, and how many queues have a pending batch. */
   bool batching;
   struct kr_batch_settings batch_settings;
   uint64_t wait_poll_ns; /* how long waits on Kronos's timelines poll before they block */
   struct kr_flusher *flusher;
   struct kr_fence_waiters fence_waiters;
   struct kr_lost_signals lost_signals; /* real objects' signals in refused flushes */
   _Atomic uint32_t pending_batches;
   /* Private data of Kronos's objects (kr_private_data_slot.c): the last slot index handed
    * out (indices start at 1 and are never reused), the slots the application reserved
    * (VkDevicePrivateDataCreateInfo, summed), and the lock of every Kronos object's private
    * data, which vkSetPrivateData may change from several threads at once. */
   _Atomic uint64_t private_data_last_index;
   uint32_t private_data_reserved;
   pthread_mutex_t private_data_lock;
   /* Persistent descriptors (kr_descriptor.h): whether set layouts are modeled at all
    * (KRONOS_DISABLE=descriptor), the cache of vendor sets, the next command buffer recording's
    * holder value, and which pool limits the vendor enforces (probed at the first pool). */
   bool descriptors_modeled;
   struct kr_descriptor_cache descriptor_cache;
   _Atomic uint64_t descriptor_holder_serial;
   pthread_mutex_t descriptor_probe_lock;
   bool descriptor_limits_probed;
   bool vendor_enforces_max_sets, vendor_enforces_pool_sizes;
   /* The barrier policy's knowledge of buffers, shader modules and pipelines, and its debug
    * setting KRONOS_BARRIER_DROP_ALL (kr_barrier_record.h). */
   struct kr_barrier_objects barrier_objects;
   bool barrier_drop_all;
   bool barrier_replay; /* KRONOS_BARRIER_REPLAY (kr_barrier_replay.h), default on */
   /* KRONOS_BARRIER_DEFER (kr_barrier_defer.h): 0 off, 1 a log of what is kept, 2 (the
    * default) no log in a command buffer none of whose recordings has read one. */
   uint8_t barrier_defer;
   struct kr_profile *profile; /* the GPU profiler (kr_profile.h); NULL when off */
   struct kr_device_dispatch disp;
};

/* Command pools are wrapped so that destroying a pool frees its command buffers' objects. */
struct kr_command_pool {
   struct kr_object_base base;
   struct kr_device *device;
   VkAllocationCallbacks alloc_storage;
   const VkAllocationCallbacks *alloc;
   VkCommandPool handle;
   struct kr_command_buffer *buffers; /* doubly linked through prev/next */
   /* The barrier policy's replay logs of command buffers freed from this pool, for the next
    * ones it allocates (kr_barrier_record.h): programs that allocate their command buffers anew
    * each iteration record the same commands into them. */
   struct kr_replay_log spare_logs[KR_POOL_SPARE_LOGS];
   uint32_t spare_log_count;
};

struct kr_command_buffer {
   /* What every command's fast path reads comes first, in the first three cache lines (the
    * object is aligned to one): lines 0 and 2 hold all of it that a descriptor set bind
    * through a held cache entry and a kept dispatch read, the barrier policy's bookkeeping
    * included (checked below). A vendor's recording of one command (hundreds of ns on
    * NVIDIA's driver) evicts much of what Kronos read for the command before, and every other
    * line read again would be a cache miss per command. */
   alignas(KR_CACHE_LINE) VK_LOADER_DATA loader_data;
   const struct kr_device_dispatch *disp;
   VkCommandBuffer handle;
   /* VK_SUCCESS, or the error an unsupported command left for vkEndCommandBuffer. */
   VkResult record_result;
   /* This recording is bracketed by the profiler (kr_profile.h: profiling on, a primary). */
   bool profile_timed;
   /* Cached vendor descriptor sets this recording bound (kr_descriptor.h), held until the
    * command buffer is reset, begun again or freed. */
   struct kr_cache_entry **held;
   uint32_t held_count, held_capacity;
   /* The previous recording's holds, carried over a reset or begin until this recording ends:
    * a set this recording binds again moves its hold to `held` without the cache's lock
    * (NULL where one moved); vkEndCommandBuffer lets go of the rest. carried_moved counts the
    * NULLs, so a recording that moved them all has nothing to walk at its end. */
   struct kr_cache_entry **carried;
   uint32_t carried_count, carried_moved;
   /* Counted while recording, added to the device's statistics by vkEndCommandBuffer (its
    * per-command counters last, in line 2). */
   struct kr_record_counts counts;
   struct kr_barrier_recording barrier; /* the barrier policy's state (kr_barrier_record.h) */

   struct kr_object_base base;
   struct kr_device *device;
   struct kr_command_pool *pool;
   struct kr_command_buffer *prev, *next;
   uint32_t carried_capacity;
   bool secondary;
   /* Recorded vkCmdWaitEvents (itself or through secondaries): its submit opens a new
    * timeline value in the batch, as a semaphore wait does. */
   bool waits_on_events;
   /* The events this recording sets or resets and the query pools it writes or resets (itself
    * or through secondaries), as vendor handles, each once: should the vendor refuse the flush
    * that carries it, their host observers (vkGetEventStatus, vkGetQueryPoolResults) report
    * the loss (kr_queue_batch.h). Emptied when recording begins. */
   uint64_t *host_objects;
   uint32_t host_object_count, host_object_capacity;
   /* The value that names this command buffer as a holder of descriptor cache entries. */
   uint64_t descriptor_holder;
   struct kr_profile_recording profile; /* timed commands (kr_profile.h) */
};

/* The hot lines above: what a command reads in lines 0 and 2 (line 1 holds the counts that
 * only recording's end reads). */
_Static_assert(offsetof(struct kr_command_buffer, carried_moved) < KR_CACHE_LINE,
               "the descriptor holds share line 0 with the dispatch table");
_Static_assert(offsetof(struct kr_command_buffer, counts.dispatches) >= 2 * KR_CACHE_LINE &&
                  offsetof(struct kr_command_buffer, barrier.deferred) +
                        sizeof(struct kr_barrier_deferred) <=
                     3 * KR_CACHE_LINE,
               "the per-command counters and the barrier policy's kept commands share line 2");

/* VK_EXT_debug_utils messengers exist once per vendor instance. */
struct kr_debug_messenger {
   struct kr_object_base base;
   uint32_t count;
   VkDebugUtilsMessengerEXT vendor[];
};

/* A private data slot: a fresh index for the private data Kronos keeps in its own objects, and
 * the vendor's slot for the objects that are the vendor's (buffers, images, pipelines ...),
 * whose private data the vendor keeps. */
struct kr_private_data_slot {
   struct kr_object_base base;
   uint64_t index;
   VkPrivateDataSlot vendor;
};

#define KR_DEFINE_DISPATCHABLE_CASTS(type, vk_type)                                           \
   static inline struct type *type##_from_handle(vk_type handle)                            \
   {                                                                                         \
      return (struct type *)handle;                                                          \
   }                                                                                         \
   static inline vk_type type##_to_handle(struct type *obj)                                  \
   {                                                                                         \
      return (vk_type)obj;                                                                   \
   }

#define KR_DEFINE_NONDISPATCHABLE_CASTS(type, vk_type)                                        \
   static inline struct type *type##_from_handle(vk_type handle)                            \
   {                                                                                         \
      return (struct type *)(uintptr_t)handle;                                               \
   }                                                                                         \
   static inline vk_type type##_to_handle(struct type *obj)                                  \
   {                                                                                         \
      return (vk_type)(uintptr_t)obj;                                                        \
   }

KR_DEFINE_DISPATCHABLE_CASTS(kr_instance, VkInstance)
KR_DEFINE_DISPATCHABLE_CASTS(kr_physical_device, VkPhysicalDevice)
KR_DEFINE_DISPATCHABLE_CASTS(kr_device, VkDevice)
KR_DEFINE_DISPATCHABLE_CASTS(kr_queue, VkQueue)
KR_DEFINE_DISPATCHABLE_CASTS(kr_command_buffer, VkCommandBuffer)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_command_pool, VkCommandPool)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_debug_messenger, VkDebugUtilsMessengerEXT)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_memory, VkDeviceMemory)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_fence, VkFence)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_semaphore, VkSemaphore)
KR_DEFINE_NONDISPATCHABLE_CASTS(kr_private_data_slot, VkPrivateDataSlot)

/* Records that an unsupported (graphics) command was recorded: logs it, and makes
 * vkEndCommandBuffer fail with VK_ERROR_FEATURE_NOT_PRESENT. */
void kr_command_buffer_record_unsupported(VkCommandBuffer command_buffer, const char *command);

/* Records that the command buffer sets or resets the event, or writes or resets queries of the
 * query pool (the vendor handle as an integer): kr_command_buffer.host_objects. Out of host
 * memory fails the recording (vkEndCommandBuffer reports it). */
void kr_command_buffer_note_host_object(struct kr_command_buffer *cb, uint64_t object);

/* The vendor's handle for an object named by (type, handle) on device, as debug-utils calls
 * name them: Kronos objects are unwrapped (0 where there is no vendor object of their own:
 * pooled memory, point fences and semaphores), the vendor's own objects pass unchanged. */
uint64_t kr_vendor_object_handle(const struct kr_device *device, VkObjectType type,
                                 uint64_t handle);

#endif
