/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the settings parsers on arbitrary text, built with AddressSanitizer and
 * UndefinedBehaviorSanitizer: KRONOS_DISABLE's list (kr_parse_disable_list), the numeric
 * settings (kr_parse_number), KRONOS_LOG's level (kr_log_parse_level) and KRONOS_VENDOR_LAYERS's
 * names (kr_parse_layer_names). Each answer is compared with a plain model of what the parser is
 * documented to accept (kr_settings.h, kr_layer_names.h), and what it writes must lie within
 * its buffers. A wrong answer aborts, so libFuzzer
 * keeps the input. How to run it: README.md, "Fuzzing". */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_layer_names.h"
#include "kr_log.h"
#include "kr_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                       \
   do {                                                                                   \
      if (!(cond)) {                                                                      \
         fprintf(stderr, "fuzz_settings: %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
         abort();                                                                         \
      }                                                                                   \
   } while (0)

static const char *const opt_names[KR_OPT_COUNT] = {
   [KR_OPT_POOL] = "pool",
   [KR_OPT_BATCH] = "batch",
   [KR_OPT_BARRIER] = "barrier",
   [KR_OPT_DESCRIPTOR] = "descriptor",
};

#define ALL_OPTS ((1u << KR_OPT_COUNT) - 1)

/* The model of KRONOS_DISABLE: names separated by runs of ',' and ' '; each name, or "all",
 * disables what it names; *first_unknown is the first other name (NULL when none). */
static unsigned
model_disable_list(const char *text, const char **first_unknown, size_t *unknown_len)
{
   unsigned mask = 0;
   *first_unknown = NULL;
   *unknown_len = 0;
   for (const char *p = text; *p;) {
      if (*p == ',' || *p == ' ') {
         p++;
         continue;
      }
      size_t len = 0;
      while (p[len] && p[len] != ',' && p[len] != ' ')
         len++;
      bool known = false;
      if (len == 3 && memcmp(p, "all", 3) == 0) {
         mask = ALL_OPTS;
         known = true;
      }
      for (unsigned i = 0; i < KR_OPT_COUNT; i++) {
         if (strlen(opt_names[i]) == len && memcmp(p, opt_names[i], len) == 0) {
            mask |= 1u << i;
            known = true;
         }
      }
      if (!known && !*first_unknown) {
         *first_unknown = p;
         *unknown_len = len;
      }
      p += len;
   }
   return mask;
}

static void
fuzz_disable_list(const char *text)
{
   const char *first_unknown;
   size_t unknown_len;
   unsigned want = model_disable_list(text, &first_unknown, &unknown_len);
   /* Buffers of exactly these sizes, allocated, so that ASan sees a write past one; 0 asks
    * for no name at all. */
   static const unsigned sizes[] = {0, 1, 5, 64};
   for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
      unsigned size = sizes[i];
      char *unknown = malloc(size ? size : 1);
      CHECK(unknown);
      memset(unknown, 0x5a, size ? size : 1);
      unsigned mask = kr_parse_disable_list(text, size ? unknown : NULL, size);
      CHECK((mask & ~ALL_OPTS) == 0);
      CHECK(mask == want);
      if (size) {
         /* The first unknown name, truncated to the buffer, NUL-terminated within it. */
         size_t len = strnlen(unknown, size);
         CHECK(len < size);
         size_t want_len = unknown_len < size - 1 ? unknown_len : size - 1;
         CHECK(len == want_len);
         CHECK(!first_unknown || memcmp(unknown, first_unknown, len) == 0);
      }
      free(unknown);
   }
}

/* The model of kr_parse_number: strtoul's decimal syntax over the whole text: blanks, an
 * optional sign, at least one digit, nothing after. */
static bool
model_number_syntax(const char *text)
{
   const char *p = text;
   while (isspace((unsigned char)*p))
      p++;
   if (*p == '+' || *p == '-')
      p++;
   if (!isdigit((unsigned char)*p))
      return false;
   while (isdigit((unsigned char)*p))
      p++;
   return *p == '\0';
}

static void
fuzz_number(const char *text)
{
   unsigned long number = 12345;
   bool ok = kr_parse_number(text, &number);
   CHECK(ok == model_number_syntax(text));
   if (!ok) {
      CHECK(number == 12345);
      return;
   }
   /* Plain digits that fit read as their value: the digits print back without their leading
    * zeros. */
   const char *digits = text;
   while (*digits == '0' && digits[1])
      digits++;
   if (isdigit((unsigned char)text[0]) && strlen(digits) < 20) {
      char printed[24];
      snprintf(printed, sizeof(printed), "%lu", number);
      CHECK(strcmp(printed, digits) == 0);
   }
}

static void
fuzz_log_level(const char *text)
{
   static const char *const names[] = {"none", "error", "warn", "info", "debug"};
   enum kr_log_level level = KR_LOG_ERROR;
   bool ok = kr_log_parse_level(text, &level);
   bool known = strcmp(text, "warning") == 0;
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      known |= strcmp(text, names[i]) == 0;
   CHECK(ok == known);
   if (ok)
      CHECK(level <= KR_LOG_DEBUG &&
            (strcmp(text, "warning") == 0 ? level == KR_LOG_WARN
                                          : strcmp(text, names[level]) == 0));
   else
      CHECK(level == KR_LOG_ERROR);
}

static bool
is_layer_separator(char c)
{
   return c == ':' || c == ',' || c == ' ' || c == '\t';
}

/* The model of KRONOS_VENDOR_LAYERS: names separated by runs of separators, each kept the first
 * time; false at the first name too long, or the first new name past max. */
static bool
model_layer_names(const char *text, uint32_t max, const char **starts, size_t *lens,
                  uint32_t *count)
{
   *count = 0;
   for (const char *p = text; *p;) {
      if (is_layer_separator(*p)) {
         p++;
         continue;
      }
      size_t len = 0;
      while (p[len] && !is_layer_separator(p[len]))
         len++;
      if (len > VK_MAX_EXTENSION_NAME_SIZE - 1)
         return false;
      bool seen = false;
      for (uint32_t i = 0; i < *count; i++)
         seen |= lens[i] == len && memcmp(starts[i], p, len) == 0;
      if (!seen) {
         if (*count == max)
            return false;
         starts[*count] = p;
         lens[(*count)++] = len;
      }
      p += len;
   }
   return true;
}

static void
fuzz_layer_names(const char *text)
{
   /* The driver's bound (KR_MAX_VENDOR_LAYERS), and a small one that inputs reach often. */
   static const uint32_t maxes[] = {16, 3};
   for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
      uint32_t max = maxes[m];
      const char *starts[16];
      size_t lens[16];
      uint32_t want_count;
      bool want = model_layer_names(text, max, starts, lens, &want_count);
      /* Exactly max names and an error buffer of 64 bytes, allocated, for ASan. */
      char (*names)[VK_MAX_EXTENSION_NAME_SIZE] = malloc(max * sizeof(*names));
      char *err = malloc(64);
      CHECK(names && err);
      memset(names, 0x5a, max * sizeof(*names));
      memset(err, 0x5a, 64);
      uint32_t count = 99;
      bool ok = kr_parse_layer_names(text, names, max, &count, err, 64);
      CHECK(ok == want);
      CHECK(count <= max);
      if (ok) {
         CHECK(count == want_count);
         for (uint32_t i = 0; i < count; i++) {
            CHECK(memchr(names[i], '\0', sizeof(names[i])) != NULL);
            CHECK(strlen(names[i]) == lens[i] && memcmp(names[i], starts[i], lens[i]) == 0);
         }
      } else {
         CHECK(memchr(err, '\0', 64) != NULL && err[0] != '\0');
      }
      free(err);
      free(names);
   }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
   /* Settings are environment strings: a copy of exactly size + 1 bytes, NUL-terminated, so
    * that ASan sees any read past its end. */
   char *text = malloc(size + 1);
   if (!text)
      return 0;
   memcpy(text, data, size);
   text[size] = '\0';
   fuzz_disable_list(text);
   fuzz_number(text);
   fuzz_log_level(text);
   fuzz_layer_names(text);
   free(text);
   return 0;
}
