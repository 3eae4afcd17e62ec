/* SPDX-License-Identifier: MIT */
/* The programs' deterministic generator (splitmix32): the same inputs on every machine, so
 * that the vendor and Kronos runs, and the CPU references, see the same data. */
#ifndef KT_RANDOM_H
#define KT_RANDOM_H

#include <stdint.h>

static inline uint32_t
kt_random_next(uint32_t *state)
{
   uint32_t z = (*state += 0x9e3779b9u);
   z = (z ^ (z >> 16)) * 0x85ebca6bu;
   z = (z ^ (z >> 13)) * 0xc2b2ae35u;
   return z ^ (z >> 16);
}

#endif
