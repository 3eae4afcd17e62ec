/* SPDX-License-Identifier: MIT */
#include "kr_wait_poll.h"

#include "kr_time.h"

/* Long enough to cover the wait for a short GPU job (about 100 us for a submit of 256 small
 * dispatches on the H100 machines), short enough that a long wait spends little CPU on it;
 * 20 us changed nothing measurable there. */
#define KR_WAIT_GPU_POLL_US 200u

/* One step of a polling loop: tells the core that the thread spins. */
static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
   __builtin_ia32_pause();
#elif defined(__aarch64__)
   __asm__ volatile("yield");
#endif
}

uint64_t
kr_wait_poll_default_us(VkPhysicalDeviceType type)
{
   return type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 0 : KR_WAIT_GPU_POLL_US;
}

uint64_t
kr_wait_poll_end(uint64_t now, uint64_t poll_ns, uint64_t deadline)
{
   uint64_t end = poll_ns > UINT64_MAX - now ? UINT64_MAX : now + poll_ns;
   return end < deadline ? end : deadline;
}

bool
kr_wait_poll(uint32_t count, const uint64_t *values, bool any, uint64_t end,
             kr_wait_poll_read read, void *context)
{
   for (;;) {
      uint32_t reached = 0;
      for (uint32_t i = 0; i < count; i++) {
         uint64_t value;
         if (!read(context, i, &value))
            return false;
         reached += value >= values[i];
      }
      if (any ? reached > 0 : reached == count)
         return true;
      if (kr_now_ns() >= end)
         return false;
      cpu_relax();
   }
}
