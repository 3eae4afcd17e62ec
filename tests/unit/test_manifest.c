/* SPDX-License-Identifier: MIT */
/* Unit tests of driver-manifest parsing (src/kr_manifest.h): what Kronos accepts from a vendor
 * driver's ICD JSON file, and what it rejects with a reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_manifest.h"

#define MANIFEST_DIR "/usr/share/vulkan/icd.d"
#define MANIFEST_PATH MANIFEST_DIR "/test_icd.x86_64.json"

/* ICD members with the library_arch of this process and with the other one. */
#define MEMBERS_ARCH(arch) "\"library_path\": \"libvk.so.1\", \"library_arch\": \"" arch "\""
#define MEMBERS_OWN_ARCH (sizeof(void *) == 8 ? MEMBERS_ARCH("64") : MEMBERS_ARCH("32"))
#define MEMBERS_OTHER_ARCH (sizeof(void *) == 8 ? MEMBERS_ARCH("32") : MEMBERS_ARCH("64"))

/* A manifest with the given ICD members (JSON text, without braces) and file format version. */
static void
make_manifest(char *out, size_t size, const char *format_version, const char *icd_members)
{
   int n = snprintf(out, size, "{\"file_format_version\": \"%s\", \"ICD\": {%s}}",
                    format_version, icd_members);
   assert_true(n > 0 && (size_t)n < size);
}

/* Parses text that must be accepted, as the manifest at manifest_path. */
static void
expect_parsed(const char *text, const char *manifest_path, struct kr_manifest *manifest)
{
   char err[256] = "";
   bool ok = kr_manifest_parse(text, manifest_path, manifest, err, sizeof(err));
   if (!ok)
      print_error("rejected (%s): %s\n", err, text);
   assert_true(ok);
}

/* expect_parsed of the manifest that make_manifest makes. */
static void
expect_members_parsed(const char *format_version, const char *icd_members,
                      const char *manifest_path, struct kr_manifest *manifest)
{
   char text[512];
   make_manifest(text, sizeof(text), format_version, icd_members);
   expect_parsed(text, manifest_path, manifest);
}

/* Parses text that must be rejected, with a non-empty reason that names what (unless what is
 * NULL). */
static void
expect_rejected(const char *text, const char *what)
{
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err));
   if (ok)
      print_error("accepted: %s\n", text);
   assert_false(ok);
   assert_true(strlen(err) > 0);
   assert_true(strlen(err) < sizeof(err));
   if (what && !strstr(err, what))
      print_error("the reason \"%s\" does not name %s, for: %s\n", err, what, text);
   if (what)
      assert_non_null(strstr(err, what));
}

/* expect_rejected of the manifest that make_manifest makes. */
static void
expect_members_rejected(const char *format_version, const char *icd_members, const char *what)
{
   char text[512];
   make_manifest(text, sizeof(text), format_version, icd_members);
   expect_rejected(text, what);
}

static void
parses_lavapipe_manifest(void **state)
{
   (void)state;
   /* Mesa's lavapipe manifest, as Debian installs it. */
   static const char text[] =
      "{\n"
      "    \"ICD\": {\n"
      "        \"api_version\": \"1.1.230\",\n"
      "        \"library_path\": \"/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so\"\n"
      "    },\n"
      "    \"file_format_version\": \"1.0.0\"\n"
      "}\n";
   struct kr_manifest manifest;
   expect_parsed(text, MANIFEST_PATH, &manifest);
   assert_string_equal(manifest.library_path, "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 1, 230));
   assert_string_equal(manifest.file_format_version, "1.0.0");
}

static void
keeps_bare_soname(void **state)
{
   (void)state;
   /* NVIDIA's manifest names a soname for the dynamic linker's search path. */
   struct kr_manifest manifest;
   expect_members_parsed("1.0.1",
                         "\"library_path\": \"libGLX_nvidia.so.0\", \"api_version\": \"1.4.312\"",
                         MANIFEST_PATH, &manifest);
   assert_string_equal(manifest.library_path, "libGLX_nvidia.so.0");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 4, 312));
   assert_string_equal(manifest.file_format_version, "1.0.1");
}

/* A version spelled at any length (leading zeros) is the same version, kept in its canonical
 * form: a copy of the text would not fit (a fuzzer found "1.<twenty zeros>.0" cut short). */
static void
keeps_canonical_format_version(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   expect_members_parsed("1.00000000000000000000.0", "\"library_path\": \"libvk.so.1\"",
                         MANIFEST_PATH, &manifest);
   assert_string_equal(manifest.file_format_version, "1.0.0");
   expect_members_parsed("0001.0002.0003", "\"library_path\": \"libvk.so.1\"", MANIFEST_PATH,
                         &manifest);
   assert_string_equal(manifest.file_format_version, "1.2.3");
   expect_members_parsed("1.1023.4095", "\"library_path\": \"libvk.so.1\"", MANIFEST_PATH,
                         &manifest);
   assert_string_equal(manifest.file_format_version, "1.1023.4095");
}

static void
resolves_relative_path_against_manifest_folder(void **state)
{
   (void)state;
   static const struct {
      const char *members;
      const char *manifest_path;
      const char *expected;
   } cases[] = {
      {"\"library_path\": \"../lib/libvulkan_x.so\"", MANIFEST_PATH,
       MANIFEST_DIR "/../lib/libvulkan_x.so"},
      {"\"library_path\": \"./libvulkan_x.so\"", MANIFEST_PATH, MANIFEST_DIR "/./libvulkan_x.so"},
      /* A manifest named without a folder is in the current one. */
      {"\"library_path\": \"sub/libvulkan_x.so\"", "test_icd.json", "./sub/libvulkan_x.so"},
   };
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      struct kr_manifest manifest;
      expect_members_parsed("1.0.0", cases[i].members, cases[i].manifest_path, &manifest);
      assert_string_equal(manifest.library_path, cases[i].expected);
   }
}

static void
keeps_absolute_path(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   expect_members_parsed("1.0.0", "\"library_path\": \"/opt/vendor/lib/libvk.so\"",
                         "/somewhere/else/icd.json", &manifest);
   assert_string_equal(manifest.library_path, "/opt/vendor/lib/libvk.so");
}

static void
api_version_optional(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   expect_members_parsed("1.0.0", "\"library_path\": \"libvk.so.1\"", MANIFEST_PATH, &manifest);
   assert_int_equal(manifest.api_version, 0);
}

static void
accepts_matching_library_arch(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   expect_members_parsed("1.0.1", MEMBERS_OWN_ARCH, MANIFEST_PATH, &manifest);
   assert_string_equal(manifest.library_path, "libvk.so.1");
}

static void
rejects_other_library_arch(void **state)
{
   (void)state;
   expect_members_rejected("1.0.1", MEMBERS_OTHER_ARCH, "library_arch");
   /* Not a string at all. */
   expect_members_rejected("1.0.1", "\"library_path\": \"libvk.so.1\", \"library_arch\": 64",
                           NULL);
}

static void
rejects_missing_or_malformed_format_version(void **state)
{
   (void)state;
   static const char *const texts[] = {
      "{\"ICD\": {\"library_path\": \"libvk.so.1\"}}",                              /* absent */
      "{\"file_format_version\": 1.0, \"ICD\": {\"library_path\": \"libvk.so.1\"}}", /* number */
      "{\"file_format_version\": \"1.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"one\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"2.0.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"0.9.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
   };
   for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
      expect_rejected(texts[i], "file_format_version");
}

static void
rejects_invalid_json(void **state)
{
   (void)state;
   static const char *const texts[] = {
      "",
      "{",
      "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}",
      "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": libvk.so.1}}",
      "not json at all",
   };
   for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
      expect_rejected(texts[i], "JSON");
}

static void
rejects_missing_icd_object(void **state)
{
   (void)state;
   static const char *const texts[] = {
      "{\"file_format_version\": \"1.0.0\"}",
      "{\"file_format_version\": \"1.0.0\", \"ICD\": \"libvk.so.1\"}",
      /* Layer manifests have "layer", not "ICD". */
      "{\"file_format_version\": \"1.0.0\", \"layer\": {\"library_path\": \"x.so\"}}",
   };
   for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
      expect_rejected(texts[i], "ICD");
}

static void
rejects_missing_library_path(void **state)
{
   (void)state;
   static const char *const members[] = {
      "\"api_version\": \"1.3.0\"",
      "\"library_path\": \"\"",
      "\"library_path\": 7",
      "\"library_path\": null",
   };
   for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
      expect_members_rejected("1.0.0", members[i], "library_path");
}

static void
rejects_bad_api_version(void **state)
{
   (void)state;
   static const char *const members[] = {
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.3\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.3.0.0\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"v1.3.0\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": 13",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.2000.0\"",
   };
   for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
      expect_members_rejected("1.0.0", members[i], "api_version");
}

static void
error_message_fits_small_buffer(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[8];
   memset(err, 'x', sizeof(err));
   assert_false(kr_manifest_parse("{", MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_non_null(memchr(err, '\0', sizeof(err)));
}

static void
rejects_overlong_library_path(void **state)
{
   (void)state;
   /* A relative path that fits alone but not once joined to the manifest's folder. */
   size_t len = PATH_MAX - 4;
   char *name = malloc(len + 1);
   char *text = malloc(len + 256);
   assert_non_null(name);
   assert_non_null(text);
   memset(name, 'a', len);
   memcpy(name, "d/", 2);
   name[len] = '\0';
   snprintf(text, len + 256,
            "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": \"%s\"}}", name);
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err));
   free(name);
   free(text);
   assert_false(ok);
   assert_non_null(strstr(err, "library_path"));
}

static void
parse_version_edge_cases(void **state)
{
   (void)state;
   uint32_t v = 0;
   assert_true(kr_parse_version("1.3.239", &v));
   assert_int_equal(v, VK_MAKE_API_VERSION(0, 1, 3, 239));
   assert_int_equal(VK_API_VERSION_MAJOR(v), 1);
   assert_int_equal(VK_API_VERSION_MINOR(v), 3);
   assert_int_equal(VK_API_VERSION_PATCH(v), 239);
   assert_true(kr_parse_version("0.0.0", &v));
   assert_int_equal(v, 0);
   /* The largest value of each field (and, below, each field one past it). */
   assert_true(kr_parse_version("127.1023.4095", &v));
   assert_int_equal(VK_API_VERSION_MAJOR(v), 127);
   assert_int_equal(VK_API_VERSION_MINOR(v), 1023);
   assert_int_equal(VK_API_VERSION_PATCH(v), 4095);
   assert_int_equal(VK_API_VERSION_VARIANT(v), 0);
   static const char *const rejected[] = {
      "128.0.0", "1.1024.0", "1.0.4096", "-1.0.0",
      /* Numbers beyond 32 bits must not wrap into valid versions. */
      "4294967296.0.0", "4294967297.3.0", "1. 3.0", "1.3.0 ",
      /* Malformed. */
      "", "1", "1.2", "1.2.", "1..2", "1.2.3.4", "1.2.3 ", "1.2.3x", "a.b.c",
   };
   for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
      bool ok = kr_parse_version(rejected[i], &v);
      if (ok)
         print_error("accepted \"%s\"\n", rejected[i]);
      assert_false(ok);
   }
}

/* --- files ----------------------------------------------------------------------------- */

/* Writes text into a fresh temporary file; its path goes into path (a mkstemp template). */
static void
write_temp_file(char path[64], const void *text, size_t size)
{
   snprintf(path, 64, "/tmp/kronos-test-manifest-XXXXXX");
   int fd = mkstemp(path);
   assert_true(fd >= 0);
   size_t done = 0;
   while (done < size) {
      ssize_t n = write(fd, (const char *)text + done, size - done);
      assert_true(n > 0);
      done += (size_t)n;
   }
   assert_int_equal(close(fd), 0);
}

/* kr_manifest_load of text written into a temporary file, which is removed again before any
 * result is checked. */
static bool
load_text(const void *text, size_t size, struct kr_manifest *manifest, char *err,
          size_t err_size)
{
   char path[64];
   write_temp_file(path, text, size);
   err[0] = '\0';
   bool ok = kr_manifest_load(path, manifest, err, err_size);
   unlink(path);
   return ok;
}

/* A load that must have failed, with a non-empty reason that names what (unless NULL). */
static void
expect_load_failed(bool ok, const char *err, const char *what)
{
   assert_false(ok);
   assert_true(strlen(err) > 0);
   if (what)
      assert_non_null(strstr(err, what));
}

static void
load_nonexistent_file(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_load("/nonexistent/kronos/icd.json", &manifest, err, sizeof(err));
   expect_load_failed(ok, err, strerror(ENOENT));
}

static void
load_directory(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[256] = "";
   expect_load_failed(kr_manifest_load("/tmp", &manifest, err, sizeof(err)), err, NULL);
}

static void
load_real_file(void **state)
{
   (void)state;
   static const char text[] = "{\"file_format_version\": \"1.0.1\", \"ICD\": "
                              "{\"library_path\": \"drivers/libvk.so\", \"api_version\": "
                              "\"1.3.200\", \"library_arch\": \"64\"}}";
   if (sizeof(void *) != 8)
      skip();
   struct kr_manifest manifest;
   char err[256];
   assert_true(load_text(text, strlen(text), &manifest, err, sizeof(err)));
   /* mkstemp made it in /tmp, so the relative library is /tmp's. */
   assert_string_equal(manifest.library_path, "/tmp/drivers/libvk.so");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 3, 200));
   assert_string_equal(manifest.file_format_version, "1.0.1");
}

static void
load_malformed_file(void **state)
{
   (void)state;
   static const char text[] = "{\"file_format_version\": \"1.0.0\", \"ICD\": ";
   struct kr_manifest manifest;
   char err[256];
   bool ok = load_text(text, strlen(text), &manifest, err, sizeof(err));
   expect_load_failed(ok, err, "JSON");
}

static void
load_empty_file(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[256];
   expect_load_failed(load_text("", 0, &manifest, err, sizeof(err)), err, NULL);
}

static void
load_oversized_file(void **state)
{
   (void)state;
   /* A valid manifest padded with whitespace beyond any real manifest's size. */
   static const char head[] = "{\"file_format_version\": \"1.0.0\", \"ICD\": "
                              "{\"library_path\": \"libvk.so.1\"}}";
   size_t size = (4u << 20);
   char *text = malloc(size);
   assert_non_null(text);
   memcpy(text, head, sizeof(head) - 1);
   memset(text + sizeof(head) - 1, ' ', size - (sizeof(head) - 1));
   struct kr_manifest manifest;
   char err[256];
   bool ok = load_text(text, size, &manifest, err, sizeof(err));
   free(text);
   expect_load_failed(ok, err, NULL);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_lavapipe_manifest),
      cmocka_unit_test(keeps_bare_soname),
      cmocka_unit_test(keeps_canonical_format_version),
      cmocka_unit_test(resolves_relative_path_against_manifest_folder),
      cmocka_unit_test(keeps_absolute_path),
      cmocka_unit_test(api_version_optional),
      cmocka_unit_test(accepts_matching_library_arch),
      cmocka_unit_test(rejects_other_library_arch),
      cmocka_unit_test(rejects_missing_or_malformed_format_version),
      cmocka_unit_test(rejects_invalid_json),
      cmocka_unit_test(rejects_missing_icd_object),
      cmocka_unit_test(rejects_missing_library_path),
      cmocka_unit_test(rejects_bad_api_version),
      cmocka_unit_test(error_message_fits_small_buffer),
      cmocka_unit_test(rejects_overlong_library_path),
      cmocka_unit_test(parse_version_edge_cases),
      cmocka_unit_test(load_nonexistent_file),
      cmocka_unit_test(load_directory),
      cmocka_unit_test(load_real_file),
      cmocka_unit_test(load_malformed_file),
      cmocka_unit_test(load_empty_file),
      cmocka_unit_test(load_oversized_file),
   };
   return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
