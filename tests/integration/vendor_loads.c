/* SPDX-License-Identifier: MIT */
/* Issue 16: the vendor drivers are loaded once per process. This program makes what a process
 * makes of Kronos through the loader: the pre-instance queries, two threads creating instances
 * at once (the first load may race), then instances with a device and a dispatch-free submit,
 * three times; vendor_loads.sh counts the "vendor driver ... interface version" lines Kronos
 * logs (KRONOS_LOG=info), one per load, and requires one per vendor.
 *
 * --retry FAULTDRV_LIBRARY LAVAPIPE_MANIFEST: KRONOS_VENDOR_ICD names lavapipe and a manifest
 * that does not exist yet: vkCreateInstance must fail (VK_ERROR_INCOMPATIBLE_DRIVER, with the
 * error logged); once the manifest is written (naming the fault driver, another library), the
 * next vkCreateInstance must succeed, loading that driver only (lavapipe stays loaded). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it_common.h"

#define THREADS 4

static const char *retry_library;
static const char *retry_lavapipe;

static bool
pre_instance_queries(void)
{
   bool ok = false;
   uint32_t version = 0, count = 0;
   VkExtensionProperties props[64];
   CHECK_VK(vkEnumerateInstanceVersion(&version));
   CHECK_VK(vkEnumerateInstanceExtensionProperties(NULL, &count, NULL));
   CHECK(count <= 64);
   CHECK_VK(vkEnumerateInstanceExtensionProperties(NULL, &count, props));
   CHECK_VK(vkEnumerateInstanceLayerProperties(&count, NULL));
   ok = true;
done:
   return ok;
}

/* One thread's instance, created and destroyed without volk's globals (which another thread
 * may be loading). */
static void *
thread_instance(void *arg)
{
   bool *ok = arg;
   uint32_t count = 0;
   VkInstance instance = VK_NULL_HANDLE;
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .apiVersion = VK_API_VERSION_1_3,
   };
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
   };
   *ok = false;
   CHECK_VK(vkEnumerateInstanceExtensionProperties(NULL, &count, NULL));
   CHECK_VK(vkCreateInstance(&info, NULL, &instance));
   PFN_vkDestroyInstance destroy =
      (PFN_vkDestroyInstance)vkGetInstanceProcAddr(instance, "vkDestroyInstance");
   CHECK(destroy);
   destroy(instance, NULL);
   *ok = true;
done:
   return NULL;
}

static bool
threads_at_once(void)
{
   pthread_t threads[THREADS];
   bool oks[THREADS];
   unsigned started = 0;
   bool ok = true;
   for (; started < THREADS; started++) {
      if (pthread_create(&threads[started], NULL, thread_instance, &oks[started]) != 0) {
         fprintf(stderr, "pthread_create failed\n");
         ok = false;
         break;
      }
   }
   for (unsigned i = 0; i < started; i++) {
      pthread_join(threads[i], NULL);
      ok = ok && oks[i];
   }
   return ok;
}

static bool
instances_with_devices(void)
{
   bool ok = false;
   struct it_env env = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   for (unsigned round = 0; round < 3; round++) {
      CHECK(pre_instance_queries());
      CHECK_VK(it_env_open(&env, NULL));
      CHECK_VK(it_create_command_pool(env.device, env.family, 0, NULL, &pool));
      VkCommandBuffer cmd;
      CHECK_VK(it_allocate_command_buffers(env.device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                           &cmd));
      CHECK_VK(it_record_empty(cmd, 0));
      CHECK_VK(it_submit(env.queue, 1, &cmd, VK_NULL_HANDLE));
      CHECK_VK(vkQueueWaitIdle(env.queue));
      vkDestroyCommandPool(env.device, pool, NULL);
      pool = VK_NULL_HANDLE;
      it_env_close(&env, NULL);
   }
   ok = true;
done:
   if (env.device && pool)
      vkDestroyCommandPool(env.device, pool, NULL);
   it_env_close(&env, NULL);
   return ok;
}

/* --retry: a missing manifest fails vkCreateInstance; written, the next call loads it. */
static bool
retry_after_failure(void)
{
   bool ok = false;
   char dir[] = "/tmp/kronos-vendor-loads-XXXXXX";
   char manifest[sizeof(dir) + 32] = "";
   char setting[2 * 4096];
   VkInstance instance = VK_NULL_HANDLE;
   FILE *f = NULL;
   char library[4096];
   /* The manifest is elsewhere: a relative library path would be taken from there. */
   CHECK(realpath(retry_library, library));
   CHECK(mkdtemp(dir));
   snprintf(manifest, sizeof(manifest), "%s/later_icd.json", dir);
   snprintf(setting, sizeof(setting), "%s:%s", retry_lavapipe, manifest);
   CHECK(setenv("KRONOS_VENDOR_ICD", setting, 1) == 0);

   CHECK(pre_instance_queries());
   CHECK_RESULT(it_create_instance(NULL, 0, NULL, &instance), VK_ERROR_INCOMPATIBLE_DRIVER);
   instance = VK_NULL_HANDLE;

   f = fopen(manifest, "w");
   CHECK(f);
   fprintf(f, "{\"file_format_version\": \"1.0.0\", \"ICD\": {\"library_path\": \"%s\", "
              "\"api_version\": \"1.3.0\"}}\n", library);
   int closed = fclose(f);
   f = NULL;
   CHECK(closed == 0);
   for (unsigned round = 0; round < 2; round++) {
      CHECK(pre_instance_queries());
      CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
      uint32_t count = 0;
      CHECK_VK(vkEnumeratePhysicalDevices(instance, &count, NULL));
      /* lavapipe's device twice: directly and through the fault driver. */
      CHECK(count == 2);
      vkDestroyInstance(instance, NULL);
      instance = VK_NULL_HANDLE;
   }
   ok = true;
done:
   if (f)
      fclose(f);
   if (instance)
      vkDestroyInstance(instance, NULL);
   if (manifest[0])
      unlink(manifest);
   rmdir(dir);
   return ok;
}

int
main(int argc, char **argv)
{
   static const struct it_test tests[] = {
      {"pre-instance queries", pre_instance_queries, true},
      {"instances from 4 threads at once", threads_at_once, true},
      {"3 instances with a device and a submit", instances_with_devices, false},
   };
   static const struct it_test retry_tests[] = {
      {"a missing vendor fails vkCreateInstance, then loads once written", retry_after_failure,
       false},
   };
   if (argc == 4 && strcmp(argv[1], "--retry") == 0) {
      retry_library = argv[2];
      retry_lavapipe = argv[3];
      return IT_RUN_TESTS(retry_tests);
   }
   if (argc != 1) {
      fprintf(stderr, "usage: %s [--retry FAULTDRV_LIBRARY LAVAPIPE_MANIFEST]\n", argv[0]);
      return 2;
   }
   return IT_RUN_TESTS(tests);
}
