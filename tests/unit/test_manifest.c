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

/* A manifest with the given ICD members (JSON text, without braces) and file format version. */
static void
make_manifest(char *out, size_t size, const char *format_version, const char *icd_members)
{
   int n = snprintf(out, size, "{\"file_format_version\": \"%s\", \"ICD\": {%s}}",
                    format_version, icd_members);
   assert_true(n > 0 && (size_t)n < size);
}

/* Parses text that must be rejected; returns the reason in err (checked to be non-empty). */
static void
expect_rejected(const char *text, char *err, size_t err_size)
{
   struct kr_manifest manifest;
   err[0] = '\0';
   assert_false(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, err_size));
   assert_true(strlen(err) > 0);
   assert_true(strlen(err) < err_size);
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
   char err[256] = "";
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 1, 230));
   assert_string_equal(manifest.file_format_version, "1.0.0");
}

static void
keeps_bare_soname(void **state)
{
   (void)state;
   /* NVIDIA's manifest names a soname for the dynamic linker's search path. */
   char text[512];
   make_manifest(text, sizeof(text), "1.0.1",
                 "\"library_path\": \"libGLX_nvidia.so.0\", \"api_version\": \"1.4.312\"");
   struct kr_manifest manifest;
   char err[256] = "";
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, "libGLX_nvidia.so.0");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 4, 312));
   assert_string_equal(manifest.file_format_version, "1.0.1");
}

static void
resolves_relative_path_against_manifest_folder(void **state)
{
   (void)state;
   char text[512];
   struct kr_manifest manifest;
   char err[256] = "";

   make_manifest(text, sizeof(text), "1.0.0", "\"library_path\": \"../lib/libvulkan_x.so\"");
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, MANIFEST_DIR "/../lib/libvulkan_x.so");

   make_manifest(text, sizeof(text), "1.0.0", "\"library_path\": \"./libvulkan_x.so\"");
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, MANIFEST_DIR "/./libvulkan_x.so");

   /* A manifest named without a folder is in the current one. */
   make_manifest(text, sizeof(text), "1.0.0", "\"library_path\": \"sub/libvulkan_x.so\"");
   assert_true(kr_manifest_parse(text, "test_icd.json", &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, "./sub/libvulkan_x.so");
}

static void
keeps_absolute_path(void **state)
{
   (void)state;
   char text[512];
   make_manifest(text, sizeof(text), "1.0.0", "\"library_path\": \"/opt/vendor/lib/libvk.so\"");
   struct kr_manifest manifest;
   char err[256] = "";
   assert_true(kr_manifest_parse(text, "/somewhere/else/icd.json", &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, "/opt/vendor/lib/libvk.so");
}

static void
api_version_optional(void **state)
{
   (void)state;
   char text[512];
   make_manifest(text, sizeof(text), "1.0.0", "\"library_path\": \"libvk.so.1\"");
   struct kr_manifest manifest;
   char err[256] = "";
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_int_equal(manifest.api_version, 0);
}

static void
accepts_matching_library_arch(void **state)
{
   (void)state;
   char text[512];
   char members[256];
   snprintf(members, sizeof(members), "\"library_path\": \"libvk.so.1\", \"library_arch\": \"%s\"",
            sizeof(void *) == 8 ? "64" : "32");
   make_manifest(text, sizeof(text), "1.0.1", members);
   struct kr_manifest manifest;
   char err[256] = "";
   assert_true(kr_manifest_parse(text, MANIFEST_PATH, &manifest, err, sizeof(err)));
   assert_string_equal(manifest.library_path, "libvk.so.1");
}

static void
rejects_other_library_arch(void **state)
{
   (void)state;
   char text[512];
   char members[256];
   char err[256];
   snprintf(members, sizeof(members), "\"library_path\": \"libvk.so.1\", \"library_arch\": \"%s\"",
            sizeof(void *) == 8 ? "32" : "64");
   make_manifest(text, sizeof(text), "1.0.1", members);
   expect_rejected(text, err, sizeof(err));
   assert_non_null(strstr(err, "library_arch"));

   /* Not a string at all. */
   make_manifest(text, sizeof(text), "1.0.1",
                 "\"library_path\": \"libvk.so.1\", \"library_arch\": 64");
   expect_rejected(text, err, sizeof(err));
}

static void
rejects_missing_or_malformed_format_version(void **state)
{
   (void)state;
   char err[256];
   static const char *const texts[] = {
      "{\"ICD\": {\"library_path\": \"libvk.so.1\"}}",                              /* absent */
      "{\"file_format_version\": 1.0, \"ICD\": {\"library_path\": \"libvk.so.1\"}}", /* number */
      "{\"file_format_version\": \"1.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"one\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"2.0.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
      "{\"file_format_version\": \"0.9.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}}",
   };
   for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
      expect_rejected(texts[i], err, sizeof(err));
      assert_non_null(strstr(err, "file_format_version"));
   }
}

static void
rejects_invalid_json(void **state)
{
   (void)state;
   char err[256];
   static const char *const texts[] = {
      "",
      "{",
      "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": \"libvk.so.1\"}",
      "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": libvk.so.1}}",
      "not json at all",
   };
   for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
      expect_rejected(texts[i], err, sizeof(err));
      assert_non_null(strstr(err, "JSON"));
   }
}

static void
rejects_missing_icd_object(void **state)
{
   (void)state;
   char err[256];
   expect_rejected("{\"file_format_version\": \"1.0.0\"}", err, sizeof(err));
   assert_non_null(strstr(err, "ICD"));
   expect_rejected("{\"file_format_version\": \"1.0.0\", \"ICD\": \"libvk.so.1\"}", err,
                   sizeof(err));
   assert_non_null(strstr(err, "ICD"));
   /* Layer manifests have "layer", not "ICD". */
   expect_rejected("{\"file_format_version\": \"1.0.0\", \"layer\": {\"library_path\": \"x.so\"}}",
                   err, sizeof(err));
   assert_non_null(strstr(err, "ICD"));
}

static void
rejects_missing_library_path(void **state)
{
   (void)state;
   char text[512];
   char err[256];
   static const char *const members[] = {
      "\"api_version\": \"1.3.0\"",
      "\"library_path\": \"\"",
      "\"library_path\": 7",
      "\"library_path\": null",
   };
   for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
      make_manifest(text, sizeof(text), "1.0.0", members[i]);
      expect_rejected(text, err, sizeof(err));
      assert_non_null(strstr(err, "library_path"));
   }
}

static void
rejects_bad_api_version(void **state)
{
   (void)state;
   char text[512];
   char err[256];
   static const char *const members[] = {
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.3\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.3.0.0\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"v1.3.0\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"\"",
      "\"library_path\": \"libvk.so.1\", \"api_version\": 13",
      "\"library_path\": \"libvk.so.1\", \"api_version\": \"1.2000.0\"",
   };
   for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
      make_manifest(text, sizeof(text), "1.0.0", members[i]);
      expect_rejected(text, err, sizeof(err));
      assert_non_null(strstr(err, "api_version"));
   }
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
   /* The largest value of each field, and each field one past it. */
   assert_true(kr_parse_version("127.1023.4095", &v));
   assert_int_equal(VK_API_VERSION_MAJOR(v), 127);
   assert_int_equal(VK_API_VERSION_MINOR(v), 1023);
   assert_int_equal(VK_API_VERSION_PATCH(v), 4095);
   assert_int_equal(VK_API_VERSION_VARIANT(v), 0);
   assert_false(kr_parse_version("128.0.0", &v));
   assert_false(kr_parse_version("1.1024.0", &v));
   assert_false(kr_parse_version("1.0.4096", &v));
   assert_false(kr_parse_version("-1.0.0", &v));
   /* Numbers beyond 32 bits must not wrap into valid versions. */
   assert_false(kr_parse_version("4294967296.0.0", &v));
   assert_false(kr_parse_version("4294967297.3.0", &v));
   assert_false(kr_parse_version("1. 3.0", &v));
   assert_false(kr_parse_version("1.3.0 ", &v));
   /* Malformed. */
   assert_false(kr_parse_version("", &v));
   assert_false(kr_parse_version("1", &v));
   assert_false(kr_parse_version("1.2", &v));
   assert_false(kr_parse_version("1.2.", &v));
   assert_false(kr_parse_version("1..2", &v));
   assert_false(kr_parse_version("1.2.3.4", &v));
   assert_false(kr_parse_version("1.2.3 ", &v));
   assert_false(kr_parse_version("1.2.3x", &v));
   assert_false(kr_parse_version("a.b.c", &v));
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

static void
load_nonexistent_file(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[256] = "";
   assert_false(kr_manifest_load("/nonexistent/kronos/icd.json", &manifest, err, sizeof(err)));
   assert_non_null(strstr(err, strerror(ENOENT)));
}

static void
load_directory(void **state)
{
   (void)state;
   struct kr_manifest manifest;
   char err[256] = "";
   assert_false(kr_manifest_load("/tmp", &manifest, err, sizeof(err)));
   assert_true(strlen(err) > 0);
}

static void
load_real_file(void **state)
{
   (void)state;
   char path[64];
   static const char text[] = "{\"file_format_version\": \"1.0.1\", \"ICD\": "
                              "{\"library_path\": \"drivers/libvk.so\", \"api_version\": "
                              "\"1.3.200\", \"library_arch\": \"64\"}}";
   if (sizeof(void *) != 8)
      skip();
   write_temp_file(path, text, strlen(text));
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_load(path, &manifest, err, sizeof(err));
   unlink(path);
   assert_true(ok);
   /* mkstemp made it in /tmp, so the relative library is /tmp's. */
   assert_string_equal(manifest.library_path, "/tmp/drivers/libvk.so");
   assert_int_equal(manifest.api_version, VK_MAKE_API_VERSION(0, 1, 3, 200));
   assert_string_equal(manifest.file_format_version, "1.0.1");
}

static void
load_malformed_file(void **state)
{
   (void)state;
   char path[64];
   static const char text[] = "{\"file_format_version\": \"1.0.0\", \"ICD\": ";
   write_temp_file(path, text, strlen(text));
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_load(path, &manifest, err, sizeof(err));
   unlink(path);
   assert_false(ok);
   assert_non_null(strstr(err, "JSON"));
}

static void
load_empty_file(void **state)
{
   (void)state;
   char path[64];
   write_temp_file(path, "", 0);
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_load(path, &manifest, err, sizeof(err));
   unlink(path);
   assert_false(ok);
   assert_true(strlen(err) > 0);
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
   char path[64];
   write_temp_file(path, text, size);
   free(text);
   struct kr_manifest manifest;
   char err[256] = "";
   bool ok = kr_manifest_load(path, &manifest, err, sizeof(err));
   unlink(path);
   assert_false(ok);
   assert_true(strlen(err) > 0);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_lavapipe_manifest),
      cmocka_unit_test(keeps_bare_soname),
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
