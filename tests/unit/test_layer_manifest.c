/* SPDX-License-Identifier: MIT */
/* Unit tests of layer-manifest parsing (src/kr_manifest.h, kr_layer_manifest_parse): the layers
 * a manifest declares, as the loader reads them, and the manifests it rejects with a reason. */
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

#define LAYER_DIR "/usr/share/vulkan/explicit_layer.d"
#define LAYER_PATH LAYER_DIR "/test_layer.json"
#define VALIDATION_MANIFEST LAYER_DIR "/VkLayer_khronos_validation.json"

/* The members every layer needs besides its name and library. */
#define COMMON "\"type\": \"GLOBAL\", \"api_version\": \"1.3.239\", " \
               "\"implementation_version\": \"1\", \"description\": \"test\""

struct declared {
   unsigned count;
   struct kr_layer_manifest layers[4];
};

static void
declare(void *ctx, const struct kr_layer_manifest *layer)
{
   struct declared *declared = ctx;
   assert_true(declared->count < 4);
   declared->layers[declared->count++] = *layer;
}

static void
expect_parsed(const char *text, struct declared *declared)
{
   char err[256] = "";
   memset(declared, 0, sizeof(*declared));
   bool ok = kr_layer_manifest_parse(text, LAYER_PATH, declare, declared, err, sizeof(err));
   if (!ok)
      print_error("rejected (%s): %s\n", err, text);
   assert_true(ok);
}

/* A manifest that must be rejected, declaring nothing, with a reason that names what. */
static void
expect_rejected(const char *text, const char *what)
{
   struct declared declared = {0};
   char err[256] = "";
   bool ok = kr_layer_manifest_parse(text, LAYER_PATH, declare, &declared, err, sizeof(err));
   if (ok)
      print_error("accepted: %s\n", text);
   assert_false(ok);
   assert_int_equal(declared.count, 0);
   const char *named = strstr(err, what);
   if (!named)
      print_error("the reason \"%s\" does not name what it should, for: %s\n", err, text);
   assert_non_null(named);
}

static void
parses_one_layer(void **state)
{
   (void)state;
   struct declared d;
   expect_parsed("{\"file_format_version\": \"1.2.0\", \"layer\": {\"name\": \"VK_LAYER_test\", "
                 "\"library_path\": \"libVkLayer_test.so\", " COMMON "}}", &d);
   assert_int_equal(d.count, 1);
   assert_string_equal(d.layers[0].name, "VK_LAYER_test");
   /* A bare soname is left to the dynamic linker's search, as for drivers. */
   assert_string_equal(d.layers[0].library_path, "libVkLayer_test.so");
   assert_false(d.layers[0].meta);
   assert_int_equal(d.layers[0].api_version, VK_MAKE_API_VERSION(0, 1, 3, 239));
   assert_string_equal(d.layers[0].get_instance_proc_addr, "");
   assert_string_equal(d.layers[0].get_device_proc_addr, "");
   assert_string_equal(d.layers[0].negotiate_interface, "");
}

static void
parses_layers_array_in_order(void **state)
{
   (void)state;
   struct declared d;
   expect_parsed("{\"file_format_version\": \"1.0.1\", \"layers\": ["
                 "{\"name\": \"VK_LAYER_a\", \"library_path\": \"./liba.so\", " COMMON ", "
                 "\"functions\": {\"vkGetInstanceProcAddr\": \"a_gipa\", "
                 "\"vkGetDeviceProcAddr\": \"a_gdpa\", "
                 "\"vkNegotiateLoaderLayerInterfaceVersion\": \"a_negotiate\"}}, "
                 "{\"name\": \"VK_LAYER_b\", \"library_path\": \"/opt/libb.so\", " COMMON "}]}",
                 &d);
   assert_int_equal(d.count, 2);
   assert_string_equal(d.layers[0].name, "VK_LAYER_a");
   /* Relative to the manifest's folder. */
   assert_string_equal(d.layers[0].library_path, LAYER_DIR "/./liba.so");
   assert_string_equal(d.layers[0].get_instance_proc_addr, "a_gipa");
   assert_string_equal(d.layers[0].get_device_proc_addr, "a_gdpa");
   assert_string_equal(d.layers[0].negotiate_interface, "a_negotiate");
   assert_string_equal(d.layers[1].name, "VK_LAYER_b");
   assert_string_equal(d.layers[1].library_path, "/opt/libb.so");
}

static void
parses_meta_layer(void **state)
{
   (void)state;
   struct declared d;
   expect_parsed("{\"file_format_version\": \"1.1.2\", \"layer\": {\"name\": \"VK_LAYER_meta\", "
                 "\"component_layers\": [\"VK_LAYER_a\"], " COMMON "}}", &d);
   assert_int_equal(d.count, 1);
   assert_true(d.layers[0].meta);
   assert_string_equal(d.layers[0].library_path, "");
}

static void
accepts_own_library_arch(void **state)
{
   (void)state;
   char text[512];
   snprintf(text, sizeof(text),
            "{\"file_format_version\": \"1.2.1\", \"layer\": {\"name\": \"VK_LAYER_a\", "
            "\"library_path\": \"a.so\", \"library_arch\": \"%s\", " COMMON "}}",
            sizeof(void *) == 8 ? "64" : "32");
   struct declared d;
   expect_parsed(text, &d);
   assert_int_equal(d.count, 1);
}

static void
rejects_malformed_manifests(void **state)
{
   (void)state;
   static const struct {
      const char *text, *what;
   } cases[] = {
      {"{\"file_format_version\": \"1.2.0\", \"layer\": ", "JSON"},
      {"{\"layer\": {\"name\": \"VK_LAYER_a\", \"library_path\": \"a.so\", " COMMON "}}",
       "file_format_version"},
      {"{\"file_format_version\": \"2.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"a.so\", " COMMON "}}", "file_format_version"},
      /* A driver manifest is not a layer manifest. */
      {"{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": \"a.so\"}}", "layer"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"library_path\": \"a.so\", " COMMON
       "}}", "name"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", " COMMON "}}",
       "library_path"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"\", " COMMON "}}", "library_path"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"a.so\", \"api_version\": \"1.3.239\", "
       "\"implementation_version\": \"1\", \"description\": \"x\"}}", "type"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"a.so\", \"type\": \"GLOBAL\", \"api_version\": \"1.3\", "
       "\"implementation_version\": \"1\", \"description\": \"x\"}}", "api_version"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"a.so\", \"functions\": [], " COMMON "}}", "functions"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"VK_LAYER_a\", "
       "\"library_path\": \"a.so\", \"functions\": {\"vkGetInstanceProcAddr\": 1}, " COMMON
       "}}", "vkGetInstanceProcAddr"},
      {"{\"file_format_version\": \"1.0.0\", \"layer\": 3}", "object"},
   };
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
      expect_rejected(cases[i].text, cases[i].what);
}

static void
rejects_other_library_arch(void **state)
{
   (void)state;
   char text[512];
   snprintf(text, sizeof(text),
            "{\"file_format_version\": \"1.2.1\", \"layer\": {\"name\": \"VK_LAYER_a\", "
            "\"library_path\": \"a.so\", \"library_arch\": \"%s\", " COMMON "}}",
            sizeof(void *) == 8 ? "32" : "64");
   expect_rejected(text, "library_arch");
}

static void
one_bad_layer_declares_none(void **state)
{
   (void)state;
   /* The first layer is fine, the second has no library: the manifest is taken whole or not. */
   expect_rejected("{\"file_format_version\": \"1.0.1\", \"layers\": ["
                   "{\"name\": \"VK_LAYER_a\", \"library_path\": \"a.so\", " COMMON "}, "
                   "{\"name\": \"VK_LAYER_b\", " COMMON "}]}", "VK_LAYER_b");
}

static void
rejects_overlong_name(void **state)
{
   (void)state;
   char name[VK_MAX_EXTENSION_NAME_SIZE + 8];
   memset(name, 'N', sizeof(name) - 1);
   name[sizeof(name) - 1] = '\0';
   char text[1024];
   snprintf(text, sizeof(text),
            "{\"file_format_version\": \"1.0.0\", \"layer\": {\"name\": \"%s\", "
            "\"library_path\": \"a.so\", " COMMON "}}", name);
   expect_rejected(text, "name");
}

static void
reads_installed_validation_manifest(void **state)
{
   (void)state;
   if (access(VALIDATION_MANIFEST, R_OK) != 0)
      skip();
   char err[256] = "";
   char *text = kr_manifest_read(VALIDATION_MANIFEST, err, sizeof(err));
   if (!text)
      print_error("%s: %s\n", VALIDATION_MANIFEST, err);
   assert_non_null(text);
   struct declared d = {0};
   bool ok = kr_layer_manifest_parse(text, VALIDATION_MANIFEST, declare, &d, err, sizeof(err));
   free(text);
   if (!ok)
      print_error("%s: %s\n", VALIDATION_MANIFEST, err);
   assert_true(ok);
   assert_int_equal(d.count, 1);
   assert_string_equal(d.layers[0].name, "VK_LAYER_KHRONOS_validation");
   assert_string_equal(d.layers[0].library_path, "libVkLayer_khronos_validation.so");
   assert_int_equal(VK_API_VERSION_MAJOR(d.layers[0].api_version), 1);
}

static void
read_reports_missing_file(void **state)
{
   (void)state;
   char err[256] = "";
   assert_null(kr_manifest_read("/nonexistent/kronos/layer.json", err, sizeof(err)));
   assert_non_null(strstr(err, "cannot open"));
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_one_layer),
      cmocka_unit_test(parses_layers_array_in_order),
      cmocka_unit_test(parses_meta_layer),
      cmocka_unit_test(accepts_own_library_arch),
      cmocka_unit_test(rejects_malformed_manifests),
      cmocka_unit_test(rejects_other_library_arch),
      cmocka_unit_test(one_bad_layer_declares_none),
      cmocka_unit_test(rejects_overlong_name),
      cmocka_unit_test(reads_installed_validation_manifest),
      cmocka_unit_test(read_reports_missing_file),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
