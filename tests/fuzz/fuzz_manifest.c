/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the manifest parsers (src/kr_manifest.h), driver and layer manifests, on
 * arbitrary text, built with AddressSanitizer and UndefinedBehaviorSanitizer. Besides not
 * crashing, every answer must hold together: the fields of an accepted manifest are non-empty
 * where required, NUL-terminated within their arrays and resolved as documented; a rejected one
 * has a reason and declares no layer. A broken answer aborts, so libFuzzer keeps the input. How
 * to run it: README.md, "Fuzzing". */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                       \
   do {                                                                                   \
      if (!(cond)) {                                                                      \
         fprintf(stderr, "fuzz_manifest: %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
         abort();                                                                         \
      }                                                                                   \
   } while (0)

/* A string field: NUL-terminated within its array. */
#define CHECK_TERMINATED(array) CHECK(memchr((array), '\0', sizeof(array)) != NULL)

/* How each input is parsed: a manifest in a folder, as a search finds one, and a bare name,
 * resolved against "."; error buffers of exactly these sizes, allocated, so that ASan sees a
 * write past one. */
static const struct {
   const char *manifest_path;
   size_t err_size;
} runs[] = {
   {"/usr/share/vulkan/icd.d/fuzz.json", 256},
   {"fuzz.json", 8},
   {"/usr/share/vulkan/explicit_layer.d/fuzz.json", 1},
};

static void
check_version(uint32_t version)
{
   /* kr_parse_version's major is at most 127: the variant bits stay 0. */
   CHECK(VK_API_VERSION_VARIANT(version) == 0);
}

/* A resolved library path: as written when absolute or a bare soname, else under the
 * manifest's folder. */
static void
check_library_path(const char *library_path, const char *manifest_path)
{
   CHECK(library_path[0] != '\0');
   if (library_path[0] == '/' || !strchr(library_path, '/'))
      return;
   const char *slash = strrchr(manifest_path, '/');
   if (slash)
      CHECK(strncmp(library_path, manifest_path, (size_t)(slash - manifest_path + 1)) == 0);
   else
      CHECK(strncmp(library_path, "./", 2) == 0);
}

/* A failure's reason: non-empty (when there is room) and within the buffer. */
static void
check_reason(const char *err, size_t err_size)
{
   CHECK(memchr(err, '\0', err_size) != NULL);
   CHECK(err_size == 1 || err[0] != '\0');
}

static void
fuzz_driver_manifest(const char *text, const char *manifest_path, size_t err_size)
{
   struct kr_manifest *m = malloc(sizeof(*m));
   char *err = malloc(err_size);
   CHECK(m && err);
   memset(err, 0x5a, err_size);
   if (kr_manifest_parse(text, manifest_path, m, err, err_size)) {
      CHECK_TERMINATED(m->library_path);
      CHECK_TERMINATED(m->file_format_version);
      check_library_path(m->library_path, manifest_path);
      uint32_t format;
      CHECK(kr_parse_version(m->file_format_version, &format));
      CHECK(VK_API_VERSION_MAJOR(format) == 1);
      check_version(m->api_version);
   } else {
      check_reason(err, err_size);
   }
   free(err);
   free(m);
}

struct declared {
   const char *manifest_path;
   unsigned count;
};

static void
declare(void *ctx, const struct kr_layer_manifest *layer)
{
   struct declared *declared = ctx;
   declared->count++;
   CHECK_TERMINATED(layer->name);
   CHECK_TERMINATED(layer->library_path);
   CHECK_TERMINATED(layer->get_instance_proc_addr);
   CHECK_TERMINATED(layer->get_device_proc_addr);
   CHECK_TERMINATED(layer->negotiate_interface);
   CHECK(layer->name[0] != '\0');
   /* A meta layer has no library; every other layer has one. */
   if (layer->meta)
      CHECK(layer->library_path[0] == '\0');
   else
      check_library_path(layer->library_path, declared->manifest_path);
   check_version(layer->api_version);
}

static void
fuzz_layer_manifest(const char *text, const char *manifest_path, size_t err_size)
{
   struct declared declared = {.manifest_path = manifest_path};
   char *err = malloc(err_size);
   CHECK(err);
   memset(err, 0x5a, err_size);
   if (!kr_layer_manifest_parse(text, manifest_path, declare, &declared, err, err_size)) {
      check_reason(err, err_size);
      /* Taken whole or not at all. */
      CHECK(declared.count == 0);
   }
   free(err);
}

/* kr_parse_version on the whole text: what it accepts prints back to the same version. */
static void
fuzz_version(const char *text)
{
   uint32_t version, again;
   if (!kr_parse_version(text, &version))
      return;
   check_version(version);
   char printed[32];
   snprintf(printed, sizeof(printed), "%u.%u.%u", VK_API_VERSION_MAJOR(version),
            VK_API_VERSION_MINOR(version), VK_API_VERSION_PATCH(version));
   CHECK(kr_parse_version(printed, &again) && again == version);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
   /* The parsers take a NUL-terminated string, as kr_manifest_read gives them: a copy of
    * exactly size + 1 bytes, so that ASan sees any read past its end. A NUL inside the input
    * only ends the text early. */
   char *text = malloc(size + 1);
   if (!text)
      return 0;
   memcpy(text, data, size);
   text[size] = '\0';
   for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
      fuzz_driver_manifest(text, runs[i].manifest_path, runs[i].err_size);
      fuzz_layer_manifest(text, runs[i].manifest_path, runs[i].err_size);
   }
   fuzz_version(text);
   free(text);
   return 0;
}
