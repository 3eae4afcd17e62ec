/* SPDX-License-Identifier: MIT */
/* The profile's output (kr_profile.h): the Chrome trace-event file (kr_profile_trace.h) and the
 * per-kernel table (kr_profile_table.h) on stderr. In the trace, process 1 is the GPU with a
 * track per queue (thread id: the queue's index in the device + 1), process 2 the CPU with a
 * track per thread (its id) for submits and host waits; time 0 is the device's creation. */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_internal.h"
#include "kr_profile_trace.h"

#define GPU_PID 1u
#define CPU_PID 2u

static const char *const kind_names[KR_PROFILE_KIND_COUNT + 1] = {
   [KR_PROFILE_DISPATCH] = "dispatch",
   [KR_PROFILE_DISPATCH_INDIRECT] = "dispatch_indirect",
   [KR_PROFILE_COPY] = "copy",
   [KR_PROFILE_FILL] = "fill",
   [KR_PROFILE_UPDATE] = "update",
   [KR_PROFILE_LABEL] = "label",
   [KR_PROFILE_KIND_COUNT] = "cpu",
};

static void
write_event(struct kr_trace_writer *w, const struct kr_profile *profile,
            const struct kr_profile_event *e)
{
   char category[32], grid[48], depth[12];
   if (e->gpu)
      snprintf(category, sizeof(category), "gpu,%s", kind_names[e->kind]);
   else
      snprintf(category, sizeof(category), "cpu");
   snprintf(depth, sizeof(depth), "%u", e->depth);
   struct kr_trace_arg args[3] = {{"kind", kind_names[e->kind]}, {"depth", depth}};
   uint32_t arg_count = e->gpu ? 2 : 0;
   if (e->kind == KR_PROFILE_DISPATCH) {
      snprintf(grid, sizeof(grid), "%ux%ux%u", e->grid[0], e->grid[1], e->grid[2]);
      args[arg_count++] = (struct kr_trace_arg){"grid", grid};
   }
   double ts_us = ((double)e->begin_ns - (double)profile->start_ns) / 1000.0;
   double dur_us = ((double)e->end_ns - (double)e->begin_ns) / 1000.0;
   kr_trace_complete(w, e->name, category, ts_us, dur_us, e->gpu ? GPU_PID : CPU_PID,
                     e->gpu ? e->track + 1 : e->track, args, arg_count);
}

static bool
write_trace(struct kr_device *device, struct kr_profile *profile, FILE *out)
{
   struct kr_trace_writer w;
   if (!kr_trace_begin(&w, out))
      return false;
   char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE + 64];
   snprintf(name, sizeof(name), "GPU: %s", device->physical->state.device_name);
   kr_trace_process_name(&w, GPU_PID, name);
   for (uint32_t i = 0; i < device->queue_count; i++) {
      snprintf(name, sizeof(name), "queue %u.%u", device->queues[i].family,
               device->queues[i].index);
      kr_trace_thread_name(&w, GPU_PID, i + 1, name);
   }
   kr_trace_process_name(&w, CPU_PID, "CPU: Kronos calls");
   /* Each thread named once (the first 256 threads; the others' tracks show their id). */
   uint32_t threads[256];
   uint32_t thread_count = 0;
   for (uint64_t i = 0; i < profile->event_count; i++) {
      const struct kr_profile_event *e = &profile->events[i];
      if (e->gpu)
         continue;
      bool seen = false;
      for (uint32_t j = 0; j < thread_count && !seen; j++)
         seen = threads[j] == e->track;
      if (!seen && thread_count < 256) {
         threads[thread_count++] = e->track;
         snprintf(name, sizeof(name), "thread %u", e->track);
         kr_trace_thread_name(&w, CPU_PID, e->track, name);
      }
   }
   for (uint64_t i = 0; i < profile->event_count; i++)
      write_event(&w, profile, &profile->events[i]);
   return kr_trace_end(&w);
}

/* The file of the process's n-th profile (from 0): KRONOS_PROFILE itself for the first, then
 * "name.<n>.json" (or "name.<n>" without a .json suffix), so that a program that makes
 * several devices loses none of their profiles. */
static void
trace_path(const char *path, unsigned n, char *out, size_t size)
{
   size_t len = strlen(path);
   if (n == 0)
      snprintf(out, size, "%s", path);
   else if (len > 5 && strcmp(path + len - 5, ".json") == 0)
      snprintf(out, size, "%.*s.%u.json", (int)(len - 5), path, n);
   else
      snprintf(out, size, "%s.%u", path, n);
}

void
kr_profile_output(struct kr_device *device, struct kr_profile *profile)
{
   static _Atomic unsigned written;
   char path[4096] = "";
   if (profile->path) {
      trace_path(profile->path, atomic_fetch_add(&written, 1), path, sizeof(path));
      FILE *out = fopen(path, "w");
      if (!out) {
         kr_error("profiler: cannot open %s: %s", path, strerror(errno));
      } else {
         bool ok = write_trace(device, profile, out);
         if (fclose(out) != 0 || !ok)
            kr_error("profiler: writing %s failed", path);
      }
   }
   fprintf(stderr,
           "kronos: profile of %s%s%s: %" PRIu64 " reads of submitted command buffers (%" PRIu64
           " waited for), %" PRIu64 " slices lost, %" PRIu64 " not kept (no host memory)\n",
           device->physical->state.device_name, *path ? ", trace in " : "", path, profile->reads,
           profile->waited_reads, profile->lost_slices, profile->dropped_events);
   if (!kr_profile_table_print(&profile->table, stderr))
      kr_error("profiler: printing the per-kernel table failed");
}
