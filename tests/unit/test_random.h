/* SPDX-License-Identifier: MIT */
/* A small deterministic pseudo-random generator for the unit tests' random patterns: the same
 * seed gives the same bytes on every run, so a failure can be reproduced. */
#ifndef TEST_RANDOM_H
#define TEST_RANDOM_H

#include <stddef.h>
#include <stdint.h>

struct test_random {
   uint64_t state;
};

static inline void
test_random_seed(struct test_random *r, uint64_t seed)
{
   r->state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

/* xorshift64* */
static inline uint64_t
test_random_next(struct test_random *r)
{
   uint64_t x = r->state;
   x ^= x >> 12;
   x ^= x << 25;
   x ^= x >> 27;
   r->state = x;
   return x * 0x2545f4914f6cdd1dull;
}

static inline void
test_random_fill(struct test_random *r, void *buffer, size_t size)
{
   uint8_t *bytes = buffer;
   for (size_t i = 0; i < size; i++)
      bytes[i] = (uint8_t)(test_random_next(r) >> 56);
}

/* Random bytes none of which is zero, so that a field left unwritten cannot pass for one
 * written as zero. */
static inline void
test_random_fill_nonzero(struct test_random *r, void *buffer, size_t size)
{
   uint8_t *bytes = buffer;
   for (size_t i = 0; i < size; i++)
      bytes[i] = (uint8_t)(1 + (test_random_next(r) >> 56) % 255);
}

#endif
