/* SPDX-License-Identifier: MIT */
/* The device's profiler (kr_profile.h), shared by kr_profile*.c only. */
#ifndef KR_PROFILE_INTERNAL_H
#define KR_PROFILE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "kr_handle_map.h"
#include "kr_profile.h"
#include "kr_profile_table.h"

/* A slice read back (GPU) or measured (CPU), in host nanoseconds (CLOCK_MONOTONIC). */
struct kr_profile_event {
   const char *name; /* interned */
   uint64_t begin_ns, end_ns;
   uint32_t grid[3];
   uint32_t track; /* GPU: the queue's index in the device; CPU: the thread's id */
   uint8_t kind;   /* enum kr_profile_kind; KR_PROFILE_KIND_COUNT: a CPU slice */
   uint8_t depth;
   bool gpu;
};

struct kr_profile {
   const VkAllocationCallbacks *alloc;
   pthread_mutex_t lock; /* everything below; never held across a blocking vendor call */
   char *path;           /* KRONOS_PROFILE, or NULL (KRONOS_PROFILE_SUMMARY alone) */
   /* GPU ticks to host time: host_ns = ticks * period_ns + offset_ns, ticks masked to the
    * queue family's timestampValidBits. */
   double period_ns;
   double offset_ns;
   uint64_t valid_mask;
   const char *clock_source; /* how the offset was found, for the trace's metadata */
   uint64_t start_ns;        /* device creation: the trace's zero */
   /* Queries are reset on the host (hostQueryReset, enabled on the vendor device for the
    * profiler): when their pool is made and after each read of them, so recordings hold no
    * vkCmdResetQueryPool. Without it, each timed recording resets its pools first. */
   bool host_reset;
   /* Submitted, unread, in submission order (kr_profile_recording.next_pending): on one queue
    * points complete in order, so a poll stops at a queue's first unfinished one. */
   struct kr_command_buffer *pending, *pending_tail;
   /* Per queue without batching: the timeline semaphore an empty submit signals after each
    * application submit, and its last value (the queue's submitting thread's: the queue is
    * externally synchronized). */
   VkSemaphore *timelines;
   uint64_t *timeline_values;
   struct kr_profile_event *events;
   uint64_t event_count, event_capacity;
   struct kr_profile_table table;
   char **names; /* interned */
   uint32_t name_count, name_capacity;
   struct kr_handle_map modules;   /* VkShaderModule -> SPIR-V hash | 1 (never NULL) */
   struct kr_handle_map pipelines; /* VkPipeline -> struct kr_profile_pipeline */
   uint64_t *results; /* a read's timestamps */
   uint32_t results_capacity;
   bool closed; /* written out (kr_profile_finish): later slices are dropped */
   /* Counted and printed with the table. */
   uint64_t reads, waited_reads, lost_slices, dropped_events;
};

/* What a compute pipeline's dispatches are called. */
struct kr_profile_pipeline {
   const char *auto_name;  /* "<entry point>#<8 hex of the SPIR-V hash>", interned */
   const char *debug_name; /* vkSetDebugUtilsObjectNameEXT's, interned, or NULL */
};

/* Appends an event (the lock held); counted as dropped when out of host memory. */
void kr_profile_add_event_locked(struct kr_profile *profile, const struct kr_profile_event *e);

/* Reads a pending command buffer's results once its point completed (the lock held): true
 * when it left the pending list (read, or given up with an error said). */
bool kr_profile_read_locked(struct kr_device *device, struct kr_command_buffer *cb);

/* Whether a command buffer's current recording has its queries reset on the host (host_reset,
 * and not simultaneous use) rather than in the recording. */
bool kr_profile_host_resets(const struct kr_command_buffer *cb);

/* With kr_profile_host_resets: the command buffer's queries of its current recording (all its
 * pools: `all`), reset on the host, and dirty cleared; the lock held. Only once every run that
 * wrote them completed or will never run (kr_profile_record.c). */
void kr_profile_host_reset_locked(struct kr_command_buffer *cb, bool all);

/* Measures the GPU clock against CLOCK_MONOTONIC (kr_profile_clock.c). */
VkResult kr_profile_clock_init(struct kr_device *device, struct kr_profile *profile);

/* Writes the trace file and prints the table (kr_profile_output.c). */
void kr_profile_output(struct kr_device *device, struct kr_profile *profile);

#endif
