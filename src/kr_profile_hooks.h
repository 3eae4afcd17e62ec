/* SPDX-License-Identifier: MIT */
/* The profiler's hooks in recorded commands (kr_profile.h): each is one predictable branch on
 * the command buffer's own flag when profiling is off. A timed command is bracketed as
 *    barriers the policy emits for it; kr_profile_cmd_begin; the vendor command; kr_profile_cmd_end
 * so that its slice holds the command and not the barriers before it. */
#ifndef KR_PROFILE_HOOKS_H
#define KR_PROFILE_HOOKS_H

#include "kr_objects.h"
#include "kr_profile.h"
#include "kr_time.h"

#define KR_PROFILE_UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline void
kr_profile_cmd_begin(struct kr_command_buffer *cb, enum kr_profile_kind kind, const char *name,
                     const uint32_t grid[3])
{
   if (KR_PROFILE_UNLIKELY(cb->profile_timed))
      kr_profile_cmd_begin_slow(cb, kind, name, grid);
}

static inline void
kr_profile_cmd_end(struct kr_command_buffer *cb)
{
   if (KR_PROFILE_UNLIKELY(cb->profile_timed))
      kr_profile_cmd_end_slow(cb);
}

static inline void
kr_profile_bind_pipeline(struct kr_command_buffer *cb, VkPipelineBindPoint bind_point,
                         VkPipeline pipeline)
{
   if (KR_PROFILE_UNLIKELY(cb->profile_timed) && bind_point == VK_PIPELINE_BIND_POINT_COMPUTE)
      kr_profile_bind_pipeline_slow(cb, pipeline);
}

static inline void
kr_profile_label_begin(struct kr_command_buffer *cb, const VkDebugUtilsLabelEXT *label)
{
   if (KR_PROFILE_UNLIKELY(cb->profile_timed))
      kr_profile_label_begin_slow(cb, label);
}

static inline void
kr_profile_label_end(struct kr_command_buffer *cb)
{
   if (KR_PROFILE_UNLIKELY(cb->profile_timed))
      kr_profile_label_end_slow(cb);
}

/* The start of a CPU slice: 0 when profiling is off. */
static inline uint64_t
kr_profile_cpu_start(const struct kr_device *device)
{
   return KR_PROFILE_UNLIKELY(device->profile) ? kr_now_ns() : 0;
}

static inline void
kr_profile_cpu_end(struct kr_device *device, const char *name, uint64_t start_ns)
{
   if (KR_PROFILE_UNLIKELY(start_ns))
      kr_profile_cpu_slice(device, name, start_ns);
}

/* A host wait (or wait idle) that returned: its CPU slice, and what completed is read. */
static inline void
kr_profile_host_wait_done(struct kr_device *device, const char *name, uint64_t start_ns,
                          VkResult result)
{
   if (KR_PROFILE_UNLIKELY(start_ns)) {
      kr_profile_cpu_slice(device, name, start_ns);
      if (result == VK_SUCCESS)
         kr_profile_poll(device);
   }
}

#endif
