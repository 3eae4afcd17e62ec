/* SPDX-License-Identifier: MIT */
/* The clock of the sync core (CLOCK_MONOTONIC, nanoseconds) and the deadlines of its waits. */
#ifndef KR_TIME_H
#define KR_TIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
kr_now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The absolute deadline of a wait of timeout_ns from now (UINT64_MAX: none). */
static inline uint64_t
kr_deadline_after(uint64_t timeout_ns)
{
   uint64_t now = kr_now_ns();
   return timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
}

/* Nanoseconds left before a deadline (UINT64_MAX: none). */
static inline uint64_t
kr_time_left(uint64_t deadline)
{
   if (deadline == UINT64_MAX)
      return UINT64_MAX;
   uint64_t now = kr_now_ns();
   return deadline > now ? deadline - now : 0;
}

static inline struct timespec
kr_timespec(uint64_t ns)
{
   return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
                            .tv_nsec = (long)(ns % 1000000000u)};
}

#endif
