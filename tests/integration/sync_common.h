/* SPDX-License-Identifier: MIT */
/* Shared helpers of the synchronization tests (sync_*.c, issue 5): the same scenario runs on the
 * vendor's device directly and on Kronos's device over it, in one instance
 * (VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>). Every wait has a finite timeout
 * (SYNC_TIMEOUT_NS): a completion that never comes is reported as a failure, not a hang. */
#ifndef SYNC_COMMON_H
#define SYNC_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "it_common.h"

/* How long any wait may take before the test counts it as lost: long enough for a background
 * flush after KRONOS_BATCH_TIME_BOUND_US=1000000, short enough to fail a hung test quickly. */
#define SYNC_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)
#define SYNC_MS_NS (1000ull * 1000)

#define SYNC_MAX_QUEUES 4

/* One device of the instance and what the tests use of it. */
struct sync_side {
   const char *label; /* "vendor" or "kronos" */
   bool kronos;
   VkPhysicalDevice physical;
   VkDevice device;
   uint32_t queue_count;                   /* queues created, at most SYNC_MAX_QUEUES */
   VkQueue queues[SYNC_MAX_QUEUES];        /* from every compute-capable family */
   uint32_t families[SYNC_MAX_QUEUES];     /* the family of each queue */
   uint32_t timestamp_bits[SYNC_MAX_QUEUES];
   VkPhysicalDeviceLimits limits;
};

/* A scenario, run on one side. */
struct sync_test {
   const char *name;
   bool (*run)(struct sync_side *side);
   bool kronos_only; /* not run on the vendor directly (e.g. Kronos's counters) */
};

/* Loads the loader, opens the instance and both devices (the vendor side only where the
 * instance has the vendor's device), runs every test on the vendor, then on Kronos, prints one
 * line per run and closes everything; returns main's exit status. */
int sync_run_tests(const struct sync_test *tests, size_t count);
#define SYNC_RUN_TESTS(tests) sync_run_tests((tests), sizeof(tests) / sizeof((tests)[0]))

/* Every scenario runs under a watchdog: one that has not finished after SYNC_WATCHDOG_S makes
 * the program exit with a message naming it. sync_watchdog_arm(what) starts the count for what
 * (NULL: nothing runs); sync_run_tests arms it around each scenario. */
#define SYNC_WATCHDOG_S 60
void sync_watchdog_arm(const char *what);

/* The devices are created with allocation callbacks that refuse every allocation while this is
 * on (the vendor's included: Kronos passes the application's callbacks to the vendor). */
void sync_refuse_allocations(bool refuse);

/* Scenarios that reach a path of Kronos only under some batch settings (they run on the
 * vendor always): sync_setting is an environment variable's value (NULL when unset or empty);
 * sync_settings_in_force says whether in_force holds on Kronos, printing that the scenario is
 * skipped otherwise (needs: the settings, in words); sync_observed_batching: a batch stays
 * until an observation flushes it (KRONOS_BATCH_TIME_BOUND_US of 1 s or more, batching on). */
const char *sync_setting(const char *name);
bool sync_settings_in_force(const struct sync_side *s, bool in_force, const char *needs);
bool sync_observed_batching(const struct sync_side *s);

/* Whether the vendor's vkQueueSubmit fails while the allocation callbacks refuse (lavapipe
 * allocates there; a driver that does not cannot show a refused flush): sync_refusal_seen,
 * given the result of such a submit, learns it on the vendor's side, which runs first, and
 * says whether a refusal scenario can go on; sync_refusal_possible asks without a submit
 * (unknown counts as possible). Both print that the scenario is skipped when not. */
bool sync_refusal_seen(const struct sync_side *s, VkResult refused);
bool sync_refusal_possible(const struct sync_side *s);

/* Submits cmd with fence and waits, a few times, then waits idle: the queue's arrays have
 * grown (Kronos's and the vendor's), so that only the vendor allocates in the submits that
 * follow. */
VkResult sync_warm_up(struct sync_side *s, VkCommandBuffer cmd, VkFence fence);

/* Records cmd: wait for the event (set by the host), then fill word 0 of buffer with value,
 * visible to the host and to later transfers. */
VkResult sync_record_event_wait_fill(VkCommandBuffer cmd, VkEvent event, VkBuffer buffer,
                                     uint32_t value);

/* Monotonic clock in nanoseconds. */
uint64_t sync_now_ns(void);
void sync_sleep_us(unsigned us);

VkResult sync_fence(struct sync_side *s, bool signaled, VkFence *fence);
VkResult sync_binary_semaphore(struct sync_side *s, VkSemaphore *semaphore);
VkResult sync_timeline_semaphore(struct sync_side *s, uint64_t initial, VkSemaphore *semaphore);
VkResult sync_event(struct sync_side *s, VkEvent *event);

/* A command pool of the family of queue q with one primary command buffer per entry of out. */
VkResult sync_pool(struct sync_side *s, uint32_t q, uint32_t count, VkCommandPool *pool,
                   VkCommandBuffer *out);

/* Records cmd: fill buffer's [offset, offset + size) with value, then a barrier making it
 * visible to the host and to later transfers. */
VkResult sync_record_fill(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset,
                          VkDeviceSize size, uint32_t value);

/* One vkQueueSubmit with at most one command buffer (cmd may be VK_NULL_HANDLE), at most one
 * wait and one signal semaphore (timeline values used where the semaphore is a timeline one:
 * wait_value / signal_value non-zero), and fence. */
VkResult sync_submit(VkQueue queue, VkCommandBuffer cmd, VkSemaphore wait, uint64_t wait_value,
                     VkSemaphore signal, uint64_t signal_value, VkFence fence);

/* Polls vkGetFenceStatus (nothing else) until it returns VK_SUCCESS, an error, or the deadline
 * (SYNC_TIMEOUT_NS) passes (VK_TIMEOUT). */
VkResult sync_poll_fence(struct sync_side *s, VkFence fence);

/* A host-visible buffer usable as a transfer source and destination. */
VkResult sync_buffer_create(struct sync_side *s, VkDeviceSize size, struct it_host_buffer *out);

/* Lets whatever still runs on the side's queues finish (vkQueueWaitIdle on each; failures are
 * printed), so that a scenario can destroy what it made. */
void sync_drain(struct sync_side *s);

/* vkSignalSemaphore of a timeline semaphore from the host. */
VkResult sync_host_signal(struct sync_side *s, VkSemaphore timeline, uint64_t value);

/* Releases submits that may still wait on timeline (up to value): signals it from the host if
 * it is below value. A VK_NULL_HANDLE timeline is ignored. */
void sync_release_timeline(struct sync_side *s, VkSemaphore timeline, uint64_t value);

/* Whether every word of words[0 .. count) is expected, reporting the first that is not. */
bool sync_words_are(const uint32_t *words, uint32_t count, uint32_t expected, const char *what);

#endif
