/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the SPIR-V reflector (src/kr_spirv_reflect.h) on arbitrary bytes, built
 * with AddressSanitizer and UndefinedBehaviorSanitizer. Besides not crashing, every answer must
 * be consistent (the same checks as tests/unit/test_spirv_mutate.c); a broken one aborts, so
 * libFuzzer keeps the input. How to run it: README.md, "Fuzzing". */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_spirv_reflect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
   do {                                                                               \
      if (!(cond)) {                                                                  \
         fprintf(stderr, "fuzz_spirv_reflect: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
         abort();                                                                     \
      }                                                                               \
   } while (0)

static void
check_answer(enum kr_spirv_reflect_result result, const struct kr_spirv_reflection *r)
{
   CHECK(result == KR_SPIRV_REFLECT_OK || result == KR_SPIRV_REFLECT_NO_ENTRY_POINT);
   CHECK(r->unknown_memory == (r->why != NULL));
   CHECK((r->resource_count == 0) == (r->resources == NULL));
   if (result == KR_SPIRV_REFLECT_NO_ENTRY_POINT)
      CHECK(r->why == KR_SPIRV_WHY_NO_ENTRY_POINT && r->resource_count == 0);
   if (r->why == KR_SPIRV_WHY_MALFORMED)
      CHECK(r->resource_count == 0);
   for (uint32_t i = 0; i < r->resource_count; i++) {
      const struct kr_spirv_resource *res = &r->resources[i];
      if (i > 0) {
         const struct kr_spirv_resource *prev = &r->resources[i - 1];
         CHECK(prev->set < res->set || (prev->set == res->set && prev->binding < res->binding));
      }
      CHECK(res->kind <= KR_SPIRV_DESCRIPTOR_ACCELERATION_STRUCTURE);
      CHECK(!res->atomic || (res->read && res->written));
      CHECK(!r->unknown_memory || (res->read && res->written));
   }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
   /* An allocation of exactly size bytes (malloc aligns it for words), so that ASan sees any
    * read past the module. */
   uint32_t *code = malloc(size ? size : 1);
   if (!code)
      return 0;
   memcpy(code, data, size);
   /* "second" is an entry point of the multi_entry seed. */
   static const char *const names[] = {"main", "second"};
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      struct kr_spirv_reflection r;
      enum kr_spirv_reflect_result result =
         kr_spirv_reflect(code, size, names[i], VK_SHADER_STAGE_COMPUTE_BIT, NULL, &r);
      check_answer(result, &r);
      kr_spirv_reflection_finish(&r, NULL);
   }
   free(code);
   return 0;
}
