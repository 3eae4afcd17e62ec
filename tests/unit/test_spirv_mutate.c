/* SPDX-License-Identifier: MIT */
/* The SPIR-V reflector on broken input: every test module (tests/unit/spirv) cut at every word
 * count and at odd byte counts, and thousands of copies with random words changed (fixed seed).
 * It must never crash or read outside the module (the sanitizer build runs this under ASan and
 * UBSan), its answer must always be consistent, and a cut module must be reported as unknown
 * memory unless what was cut off changes nothing (an unreachable function at the end); every
 * instruction given an impossible word count must be reported malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_spirv_reflect.h"
#include "test_random.h"

#include "access_v10_spv.h"
#include "access_v11_spv.h"
#include "access_v13_opt_spv.h"
#include "access_v13_spv.h"
#include "arrays_v11_spv.h"
#include "arrays_v13_spv.h"
#include "buffer_reference_spv.h"
#include "call_pointer_spv.h"
#include "copy_memory_spv.h"
#include "functions_v11_spv.h"
#include "functions_v11_opt_spv.h"
#include "functions_v13_spv.h"
#include "images_v11_spv.h"
#include "images_v11_opt_spv.h"
#include "images_v13_spv.h"
#include "interface14_spv.h"
#include "multi_entry_spv.h"
#include "ptr_access_chain_spv.h"
#include "select_pointer_spv.h"
#include "variable_pointer_spv.h"

#define MODULE(name, entry) {#name, name##_spv, sizeof(name##_spv), entry}

static const struct test_module {
   const char *name;
   const uint32_t *code;
   size_t size;
   const char *entry;
} modules[] = {
   MODULE(access_v10, "main"),
   MODULE(access_v11, "main"),
   MODULE(access_v13, "main"),
   MODULE(access_v13_opt, "main"),
   MODULE(arrays_v11, "main"),
   MODULE(arrays_v13, "main"),
   MODULE(buffer_reference, "main"),
   MODULE(call_pointer, "main"),
   MODULE(copy_memory, "main"),
   MODULE(functions_v11, "main"),
   MODULE(functions_v11_opt, "main"),
   MODULE(functions_v13, "main"),
   MODULE(images_v11, "main"),
   MODULE(images_v11_opt, "main"),
   MODULE(images_v13, "main"),
   MODULE(interface14, "main"),
   MODULE(multi_entry, "second"),
   MODULE(ptr_access_chain, "main"),
   MODULE(select_pointer, "main"),
   MODULE(variable_pointer, "main"),
};

#define MODULE_COUNT (sizeof(modules) / sizeof(modules[0]))
#define MUTATIONS_PER_MODULE 300
#define MAX_WORDS 4096

/* What holds for every answer, whatever the input. */
static void
expect_consistent(enum kr_spirv_reflect_result result, const struct kr_spirv_reflection *r)
{
   assert_true(result == KR_SPIRV_REFLECT_OK || result == KR_SPIRV_REFLECT_NO_ENTRY_POINT);
   assert_int_equal(r->unknown_memory, r->why != NULL);
   assert_int_equal(r->resource_count == 0, r->resources == NULL);
   if (result == KR_SPIRV_REFLECT_NO_ENTRY_POINT) {
      assert_true(r->unknown_memory);
      assert_ptr_equal(r->why, KR_SPIRV_WHY_NO_ENTRY_POINT);
   }
   if (r->why == KR_SPIRV_WHY_MALFORMED || result == KR_SPIRV_REFLECT_NO_ENTRY_POINT)
      assert_int_equal(r->resource_count, 0);
   for (uint32_t i = 0; i < r->resource_count; i++) {
      const struct kr_spirv_resource *res = &r->resources[i];
      if (i > 0) { /* sorted, one entry per binding */
         const struct kr_spirv_resource *prev = &r->resources[i - 1];
         assert_true(prev->set < res->set ||
                     (prev->set == res->set && prev->binding < res->binding));
      }
      assert_true(res->kind <= KR_SPIRV_DESCRIPTOR_ACCELERATION_STRUCTURE);
      if (res->atomic)
         assert_true(res->read && res->written);
      if (r->unknown_memory)
         assert_true(res->read && res->written);
   }
}

static bool
same_answer(const struct kr_spirv_reflection *a, const struct kr_spirv_reflection *b)
{
   if (a->unknown_memory != b->unknown_memory || a->why != b->why ||
       a->push_constants != b->push_constants || a->resource_count != b->resource_count)
      return false;
   for (uint32_t i = 0; i < a->resource_count; i++) {
      const struct kr_spirv_resource *x = &a->resources[i], *y = &b->resources[i];
      if (x->set != y->set || x->binding != y->binding || x->kind != y->kind ||
          x->array_size != y->array_size || x->read != y->read || x->written != y->written ||
          x->atomic != y->atomic)
         return false;
   }
   return true;
}

static enum kr_spirv_reflect_result
reflect(const struct test_module *m, const uint32_t *code, size_t size,
        struct kr_spirv_reflection *r)
{
   enum kr_spirv_reflect_result result =
      kr_spirv_reflect(code, size, m->entry, VK_SHADER_STAGE_COMPUTE_BIT, NULL, r);
   expect_consistent(result, r);
   return result;
}

/* Every cut: at each word count, and a few byte counts that are not whole words. The copy is
 * exactly as long as the cut, so ASan sees any read past it. */
static void
test_truncation(void **state)
{
   (void)state;
   unsigned cuts = 0, unknown = 0;
   for (size_t i = 0; i < MODULE_COUNT; i++) {
      const struct test_module *m = &modules[i];
      struct kr_spirv_reflection full, cut;
      assert_int_equal(reflect(m, m->code, m->size, &full), KR_SPIRV_REFLECT_OK);
      size_t words = m->size / 4;
      for (size_t n = 0; n < words; n++) {
         for (size_t extra = 0; extra < 4; extra += (n % 64 == 0) ? 1 : 4) {
            size_t size = n * 4 + extra;
            uint32_t *copy = malloc(size ? size : 1);
            assert_non_null(copy);
            memcpy(copy, m->code, size);
            reflect(m, copy, size, &cut);
            cuts++;
            if (cut.unknown_memory) {
               unknown++;
            } else if (!same_answer(&cut, &full)) {
               print_error("%s cut at %zu bytes: a known answer unlike the whole module's\n",
                           m->name, size);
               fail();
            }
            kr_spirv_reflection_finish(&cut, NULL);
            free(copy);
         }
      }
      kr_spirv_reflection_finish(&full, NULL);
   }
   print_message("%u cuts, %u unknown memory\n", cuts, unknown);
   assert_true(unknown > cuts * 9 / 10);
}

/* Breaks that are malformed for certain, at every instruction of every module: a word count
 * of 0, and one that runs past the end. */
static void
test_broken_word_counts(void **state)
{
   (void)state;
   unsigned runs = 0;
   for (size_t i = 0; i < MODULE_COUNT; i++) {
      const struct test_module *m = &modules[i];
      size_t words = m->size / 4;
      uint32_t *copy = malloc(m->size);
      assert_non_null(copy);
      for (size_t at = 5; at < words; at += m->code[at] >> 16) {
         for (int variant = 0; variant < 2; variant++) {
            uint32_t count = variant == 0 ? 0 : (uint32_t)(words - at + 1);
            memcpy(copy, m->code, m->size);
            copy[at] = (count << 16) | (copy[at] & 0xffffu);
            struct kr_spirv_reflection r;
            assert_int_equal(reflect(m, copy, m->size, &r), KR_SPIRV_REFLECT_OK);
            assert_ptr_equal(r.why, KR_SPIRV_WHY_MALFORMED);
            assert_int_equal(r.why_value, at);
            kr_spirv_reflection_finish(&r, NULL);
            runs++;
         }
      }
      free(copy);
   }
   print_message("%u broken word counts, all malformed\n", runs);
}

/* One random change: a random word, one bit flipped, a small number (an id, an opcode, a
 * storage class), or another word count for an instruction word. */
static void
mutate(struct test_random *rng, uint32_t *words, size_t count)
{
   size_t at = test_random_next(rng) % count;
   uint64_t pick = test_random_next(rng);
   switch (pick % 4) {
   case 0:
      words[at] = (uint32_t)(pick >> 32);
      break;
   case 1:
      words[at] ^= 1u << ((pick >> 8) % 32);
      break;
   case 2:
      words[at] = (uint32_t)((pick >> 8) % 64);
      break;
   default:
      words[at] = (words[at] & 0xffffu) | (uint32_t)(((pick >> 8) % 12) << 16);
      break;
   }
}

static void
test_mutation(void **state)
{
   (void)state;
   struct test_random rng;
   test_random_seed(&rng, 0x5eed5b1cull);
   unsigned runs = 0, unknown = 0, malformed = 0;
   for (size_t i = 0; i < MODULE_COUNT; i++) {
      const struct test_module *m = &modules[i];
      size_t words = m->size / 4;
      assert_true(words <= MAX_WORDS);
      for (unsigned k = 0; k < MUTATIONS_PER_MODULE; k++) {
         uint32_t *copy = malloc(m->size);
         assert_non_null(copy);
         memcpy(copy, m->code, m->size);
         unsigned changes = 1 + (unsigned)(test_random_next(&rng) % 4);
         for (unsigned c = 0; c < changes; c++)
            mutate(&rng, copy, words);
         struct kr_spirv_reflection r;
         reflect(m, copy, m->size, &r);
         runs++;
         unknown += r.unknown_memory;
         malformed += r.why == KR_SPIRV_WHY_MALFORMED;
         kr_spirv_reflection_finish(&r, NULL);
         free(copy);
      }
   }
   print_message("%u mutated modules: %u unknown memory, %u malformed\n", runs, unknown,
                 malformed);
   /* Most random changes break something; the reflector must notice a good share of them. */
   assert_true(malformed > runs / 4);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_truncation),
      cmocka_unit_test(test_broken_word_counts),
      cmocka_unit_test(test_mutation),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
