/* SPDX-License-Identifier: MIT */
/* Kronos's public header: what programs can rely on to recognise Kronos, configure it, and read
 * its statistics. */
#ifndef KRONOS_KRONOS_H
#define KRONOS_KRONOS_H

#include <stdint.h>
#include <vulkan/vulkan.h>

/* VkPhysicalDeviceDriverProperties::driverName of every Kronos device. */
#define KRONOS_DRIVER_NAME "Kronos"

/* VkPhysicalDeviceProperties::deviceName is "Kronos (<vendor device name>)". */
#define KRONOS_DEVICE_NAME_PREFIX KRONOS_DRIVER_NAME " ("

/* Environment settings. */
#define KRONOS_ENV_VENDOR_ICD "KRONOS_VENDOR_ICD" /* vendor manifests/libraries, ':'-separated */
/* Vulkan layers to load between Kronos and the vendor driver (explicit layer names, ':'- or
 * ','-separated, nearest Kronos first), e.g. VK_LAYER_KHRONOS_validation to validate the very
 * commands the vendor receives */
#define KRONOS_ENV_VENDOR_LAYERS "KRONOS_VENDOR_LAYERS"
#define KRONOS_ENV_LOG "KRONOS_LOG"               /* none, error, warn, info, debug */
#define KRONOS_ENV_STATS "KRONOS_STATS"           /* 1: print statistics at vkDestroyDevice */
/* Optimizations to switch off: "pool", "batch", "barrier", "descriptor" or "all", ','-separated */
#define KRONOS_ENV_DISABLE "KRONOS_DISABLE"
/* Kronos makes at most this many live vendor allocations (default: the vendor's limit) */
#define KRONOS_ENV_VENDOR_MAX_ALLOCATIONS "KRONOS_VENDOR_MAX_ALLOCATIONS"
/* Kronos treats vendor allocations larger than this many bytes as refused (out of device
 * memory): to test its fallbacks */
#define KRONOS_ENV_VENDOR_MAX_ALLOCATION_SIZE "KRONOS_VENDOR_MAX_ALLOCATION_SIZE"
#define KRONOS_ENV_BATCH_LIMIT "KRONOS_BATCH_LIMIT" /* application submits per vendor submit */
#define KRONOS_ENV_BATCH_TIME_BOUND_US "KRONOS_BATCH_TIME_BOUND_US" /* longest wait in a batch */
/* How long, in microseconds, a wait for a fence polls the vendor's progress before it blocks
 * in the vendor's wait (default 200 on GPUs, 0 on CPU devices; 0: it blocks at once) */
#define KRONOS_ENV_WAIT_POLL_US "KRONOS_WAIT_POLL_US"
/* The most vendor descriptor sets the descriptor cache keeps (default 4096); sets that recorded
 * command buffers hold are never freed */
#define KRONOS_ENV_DESCRIPTOR_CACHE_SETS "KRONOS_DESCRIPTOR_CACHE_SETS"
/* 1: give the vendor no pipeline barrier at all, the application's or the barrier policy's. A
 * debug setting that makes programs wrong on purpose: race tests use it to show they catch a
 * missing barrier */
#define KRONOS_ENV_BARRIER_DROP_ALL "KRONOS_BARRIER_DROP_ALL"
/* 0: the barrier policy decides every recording afresh, never replaying the decisions of a
 * command buffer's previous recording of the same commands (default 1) */
#define KRONOS_ENV_BARRIER_REPLAY "KRONOS_BARRIER_REPLAY"
/* 0: the barrier policy works out every bind and dispatch as it comes, also while nothing is
 * pending (default 1: from a barrier it gave the vendor to the next request, they wait, and
 * are dropped unread when the command buffer ends first) */
#define KRONOS_ENV_BARRIER_DEFER "KRONOS_BARRIER_DEFER"
/* A file: time every dispatch, copy, fill and update on the GPU and write a Chrome trace-event
 * JSON there when the device is destroyed, with the per-kernel table on stderr (issue 13) */
#define KRONOS_ENV_PROFILE "KRONOS_PROFILE"
/* 1: profile as KRONOS_PROFILE does, printing only the per-kernel table (no file needed) */
#define KRONOS_ENV_PROFILE_SUMMARY "KRONOS_PROFILE_SUMMARY"

/* --- Statistics ------------------------------------------------------------------------------
 * Per device, counted by Kronos itself on real calls since the device was created: what the
 * application asked for, and what reached the vendor driver. Reached with
 *    PFN_vkGetDeviceStatisticsKRONOS get =
 *       (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(device, "vkGetDeviceStatisticsKRONOS");
 * which is NULL on any driver that is not Kronos. */

#define KRONOS_STATISTICS_VERSION 6

/* Why a pending submit batch went to the vendor. */
enum kronos_flush_reason {
   KRONOS_FLUSH_FULL,     /* the batch reached its size limit */
   KRONOS_FLUSH_OBSERVED, /* something could observe it (a wait, a query, another queue ...) */
   KRONOS_FLUSH_TIMEOUT,  /* it waited longer than the time bound */
   KRONOS_FLUSH_IDLE,     /* the queue had nothing in flight: waiting could only add latency */
   KRONOS_FLUSH_REASON_COUNT
};

/* Why the barrier policy gave the vendor a barrier (version 4): a tracked command conflicts
 * with earlier work that the application's barriers order, or something the policy does not
 * understand comes next and every pending barrier goes before it. */
enum kronos_barrier_reason {
   KRONOS_BARRIER_HAZARD,          /* read-after-write, write-after-read or write-after-write */
   KRONOS_BARRIER_END,             /* vkEndCommandBuffer: the next submit may depend on it */
   KRONOS_BARRIER_NOT_UNDERSTOOD,  /* an image barrier, ownership transfer or dependency flag */
   KRONOS_BARRIER_EVENT,           /* vkCmdSetEvent*, vkCmdResetEvent*, vkCmdWaitEvents* */
   KRONOS_BARRIER_SECONDARY,       /* vkCmdExecuteCommands */
   KRONOS_BARRIER_QUERY,           /* timestamps and queries */
   KRONOS_BARRIER_UNKNOWN_ACCESS,  /* a dispatch whose accesses are not known (device addresses,
                                      images, sets not modelled) */
   KRONOS_BARRIER_OTHER_COMMAND,   /* any other command (image copies, ...) */
   KRONOS_BARRIER_REASON_COUNT
};

typedef struct VkKronosDeviceStatistics {
   uint32_t version; /* set to KRONOS_STATISTICS_VERSION by the caller */
   /* vkAllocateMemory and vkFreeMemory calls */
   uint64_t app_allocations, vendor_allocations;
   uint64_t app_frees, vendor_frees;
   /* vkQueueSubmit and vkQueueSubmit2 calls */
   uint64_t app_submits, vendor_submits;
   /* pipeline barrier commands recorded (vkCmdPipelineBarrier, vkCmdPipelineBarrier2), counted
    * when a command buffer ends recording */
   uint64_t app_barriers, vendor_barriers;
   /* dispatch commands recorded (vkCmdDispatch, vkCmdDispatchIndirect, vkCmdDispatchBase) */
   uint64_t app_dispatches, vendor_dispatches;
   /* descriptor writes: VkWriteDescriptorSet and VkCopyDescriptorSet structures of
    * vkUpdateDescriptorSets and vkCmdPushDescriptorSetKHR, and one per template update; the
    * vendor's are those Kronos passed to the vendor's calls (with persistent descriptors, a
    * cached vendor set is written once, on its cache miss) */
   uint64_t app_descriptor_writes, vendor_descriptor_writes;
   /* submit batches flushed to the vendor, by enum kronos_flush_reason */
   uint64_t batches_flushed[KRONOS_FLUSH_REASON_COUNT];
   /* device memory held from the vendor by Kronos's pools, and the part handed out */
   uint64_t pool_bytes_reserved, pool_bytes_in_use;
   /* persistent descriptors (version 3): binds that found a cached vendor set (those that
    * found it among the command buffer's own holds are counted when its recording ends or it
    * is reset, begun again, trimmed or freed), binds that made one (a miss: one vendor set
    * allocated and written), cached sets evicted, cached vendor sets alive now, the host memory
    * of the cache now, and push descriptor calls (vkCmdPushDescriptorSet*) that reached the
    * vendor */
   uint64_t descriptor_cache_hits, descriptor_cache_misses, descriptor_cache_evictions;
   uint64_t vendor_descriptor_sets_live, descriptor_cache_bytes;
   uint64_t descriptor_pushes;
   /* barrier policy (version 4), counted when a command buffer ends recording. Every
    * application barrier (app_barriers above) is either dropped (it orders nothing the barrier
    * already given to the vendor just before it does not) or goes into a vendor barrier;
    * barriers_merged counts those that shared a vendor barrier with an earlier one. Each vendor
    * barrier the policy emitted is counted once in barriers_emitted by why (enum
    * kronos_barrier_reason); vendor_barriers above also counts the application's barriers
    * passed through as recorded (image barriers ..., and all with the policy off). */
   uint64_t barriers_dropped, barriers_merged;
   uint64_t barriers_emitted[KRONOS_BARRIER_REASON_COUNT];
   /* barrier policy replay (version 5), counted when a command buffer ends recording: the
    * policy's events (barrier requests, tracked and untracked commands, the end) whose decision
    * came from the command buffer's previous recording of the same commands instead of the
    * tracker, and recordings that departed from their previous one (the tracker then ran from
    * that point on) */
   uint64_t barrier_events_replayed, barrier_replays_diverged;
   /* barrier policy (version 6), counted when a command buffer ends recording: dispatches whose
    * accesses it never had to work out, as no request could order them against anything later:
    * recorded before the recording's first request, or while nothing was pending until its end
    * (KRONOS_BARRIER_DEFER) */
   uint64_t barrier_dispatches_unexamined;
} VkKronosDeviceStatistics;

typedef VkResult(VKAPI_PTR *PFN_vkGetDeviceStatisticsKRONOS)(VkDevice device,
                                                              VkKronosDeviceStatistics *stats);

#endif
