/* SPDX-License-Identifier: MIT */
/* Issue 13: KRONOS_PROFILE through the real loader. One command buffer records a fill, an
 * update and a copy, N dispatches of a pipeline named with vkSetDebugUtilsObjectNameEXT
 * ("add_kernel"), then a debug-utils label "region" around N dispatches of an unnamed pipeline
 * (named "main#<8 hex of its SPIR-V's FNV-1a hash>"), between two timestamps of the
 * application's own query pool; it is submitted twice (a fence wait between). The trace JSON
 * (parsed with cJSON) must hold exactly the expected GPU slices (2 per command, names, the
 * label's depth and its nesting around its N dispatches, recording order in time, durations
 * > 0 for dispatches and never negative), one vkQueueSubmit CPU slice per submit, whose
 * slices follow it; the per-kernel table on stderr must count exactly; the application's
 * queries must read as it wrote them (and the two it never wrote as not ready); the results
 * of the kernels must be right. Then the same with KRONOS_PROFILE_SUMMARY=1 alone (the table,
 * no file), with profiling off (no table), and with the command buffer recorded for
 * simultaneous use and submitted twice back to back (the second submit reads the first's
 * results first, waiting if they are not there yet: at most one wait). The meson suite runs it with batching on, with
 * KRONOS_DISABLE=batch and with KRONOS_DISABLE=all. Under an alarm watchdog. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it_common.h"
#include "race_fill_spv.h"
#include "review_add_spv.h"

#define N 5u
#define WORDS 4096u
#define ADD 7u
#define ROUND 3u

struct scene {
   VkInstance instance;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   struct it_host_buffer a, b, c;
   VkShaderModule modules[2];
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline add, fill;
   VkDescriptorPool pool;
   VkDescriptorSet sets[2];
   VkCommandPool cmd_pool;
   VkCommandBuffer cmd;
   VkQueryPool app_queries;
   VkFence fence;
   bool back_to_back; /* simultaneous use, submitted twice without a wait between */
};

static char fill_name[64]; /* "main#xxxxxxxx" */

/* What Kronos names an unnamed pipeline's dispatches: the high 32 bits of FNV-1a-64 over the
 * SPIR-V's bytes. */
static void
expected_fill_name(void)
{
   const uint8_t *bytes = (const uint8_t *)race_fill_spv;
   uint64_t h = 0xcbf29ce484222325ull;
   for (size_t i = 0; i < race_fill_spv_size; i++) {
      h ^= bytes[i];
      h *= 0x100000001b3ull;
   }
   snprintf(fill_name, sizeof(fill_name), "main#%08x", (uint32_t)(h >> 32));
}

static void
compute_barrier(VkCommandBuffer cmd)
{
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                        1, &barrier, 0, NULL, 0, NULL);
}

static bool
record(struct scene *s)
{
   bool ok = false;
   VkCommandBuffer cmd = s->cmd;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = s->back_to_back ? VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT : 0,
   };
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   vkCmdResetQueryPool(cmd, s->app_queries, 0, 4);
   vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, s->app_queries, 0);
   vkCmdFillBuffer(cmd, s->a.buffer, 0, VK_WHOLE_SIZE, 5);
   compute_barrier(cmd);
   const uint32_t words[4] = {100, 101, 102, 103};
   vkCmdUpdateBuffer(cmd, s->a.buffer, 0, sizeof(words), words);
   compute_barrier(cmd);
   const VkBufferCopy copy = {0, 0, WORDS * 4};
   vkCmdCopyBuffer(cmd, s->a.buffer, s->b.buffer, 1, &copy);
   compute_barrier(cmd);
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->add);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->layout, 0, 1, &s->sets[0], 0,
                           NULL);
   const uint32_t add_push[2] = {WORDS, ADD};
   vkCmdPushConstants(cmd, s->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(add_push), add_push);
   for (uint32_t i = 0; i < N; i++)
      vkCmdDispatch(cmd, WORDS / 64, 1, 1);
   const VkDebugUtilsLabelEXT label = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT,
      .pLabelName = "region",
   };
   vkCmdBeginDebugUtilsLabelEXT(cmd, &label);
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->fill);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->layout, 0, 1, &s->sets[1], 0,
                           NULL);
   const uint32_t fill_push[2] = {WORDS, ROUND};
   vkCmdPushConstants(cmd, s->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(fill_push),
                      fill_push);
   for (uint32_t i = 0; i < N; i++)
      vkCmdDispatch(cmd, WORDS / 256, 1, 1);
   vkCmdEndDebugUtilsLabelEXT(cmd);
   vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, s->app_queries, 1);
   it_barrier_to_host(cmd);
   CHECK_VK(vkEndCommandBuffer(cmd));
   ok = true;
done:
   return ok;
}

/* One submit (two back to back), waited for: the kernels' results and the application's own
 * queries. */
static bool
submit_and_check(struct scene *s)
{
   bool ok = false;
   memset(s->b.data, 0, WORDS * 4);
   memset(s->c.data, 0, WORDS * 4);
   CHECK_VK(vkResetFences(s->device, 1, &s->fence));
   if (s->back_to_back)
      CHECK_VK(it_submit(s->queue, 1, &s->cmd, VK_NULL_HANDLE));
   CHECK_VK(it_submit(s->queue, 1, &s->cmd, s->fence));
   CHECK_VK(vkWaitForFences(s->device, 1, &s->fence, VK_TRUE, IT_TIMEOUT_NS));
   const uint32_t *b = s->b.data, *c = s->c.data;
   for (uint32_t i = 0; i < WORDS; i++) {
      uint32_t a = i < 4 ? 100 + i : 5;
      CHECK(b[i] == a + ADD);
      CHECK(c[i] == it_race_fill_hash(i) + ROUND * 0x9e3779b9u);
   }
   /* The application's queries: as it wrote them, and the two it never wrote not ready. */
   uint64_t stamps[2];
   CHECK_VK(vkGetQueryPoolResults(s->device, s->app_queries, 0, 2, sizeof(stamps), stamps,
                                  sizeof(uint64_t),
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
   CHECK(stamps[1] > stamps[0]);
   uint64_t unwritten[2];
   CHECK_RESULT(vkGetQueryPoolResults(s->device, s->app_queries, 2, 2, sizeof(unwritten),
                                      unwritten, sizeof(uint64_t), VK_QUERY_RESULT_64_BIT),
                VK_NOT_READY);
   ok = true;
done:
   return ok;
}

static bool
create_buffers_and_pipelines(struct scene *s)
{
   bool ok = false;
   const VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                    VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                    VK_BUFFER_USAGE_TRANSFER_DST_BIT;
   CHECK_VK(it_host_buffer_create(s->physical, s->device, WORDS * 4, usage, &s->a));
   CHECK_VK(it_host_buffer_create(s->physical, s->device, WORDS * 4, usage, &s->b));
   CHECK_VK(it_host_buffer_create(s->physical, s->device, WORDS * 4, usage, &s->c));
   CHECK_VK(it_create_shader_module(s->device, review_add_spv, review_add_spv_size,
                                    &s->modules[0]));
   CHECK_VK(it_create_shader_module(s->device, race_fill_spv, race_fill_spv_size,
                                    &s->modules[1]));
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(s->device, 0, NULL, bindings, 2, &s->set_layout));
   CHECK_VK(it_create_pipeline_layout(s->device, &s->set_layout, 1, 8, &s->layout));
   CHECK_VK(it_create_compute_pipeline(s->device, s->modules[0], s->layout, &s->add));
   CHECK_VK(it_create_compute_pipeline(s->device, s->modules[1], s->layout, &s->fill));
   /* The modules may go once the pipelines exist: the names must not need them. */
   vkDestroyShaderModule(s->device, s->modules[0], NULL);
   vkDestroyShaderModule(s->device, s->modules[1], NULL);
   s->modules[0] = s->modules[1] = VK_NULL_HANDLE;
   const VkDebugUtilsObjectNameInfoEXT name = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
      .objectType = VK_OBJECT_TYPE_PIPELINE,
      .objectHandle = (uint64_t)(uintptr_t)s->add,
      .pObjectName = "add_kernel",
   };
   CHECK_VK(vkSetDebugUtilsObjectNameEXT(s->device, &name));
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4};
   CHECK_VK(it_create_descriptor_pool(s->device, 0, 2, &size, 1, NULL, &s->pool));
   const VkDescriptorSetLayout layouts[2] = {s->set_layout, s->set_layout};
   CHECK_VK(it_allocate_sets(s->device, s->pool, layouts, 2, s->sets));
   const VkDescriptorBufferInfo infos[4] = {
      {s->a.buffer, 0, VK_WHOLE_SIZE}, {s->b.buffer, 0, VK_WHOLE_SIZE},
      {s->c.buffer, 0, VK_WHOLE_SIZE}, {s->b.buffer, 0, VK_WHOLE_SIZE},
   };
   VkWriteDescriptorSet writes[4];
   for (uint32_t i = 0; i < 4; i++) {
      writes[i] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = s->sets[i / 2],
         .dstBinding = i % 2,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &infos[i],
      };
   }
   vkUpdateDescriptorSets(s->device, 4, writes, 0, NULL);
   ok = true;
done:
   return ok;
}

/* Creates the device (the profiler reads its settings then), records and submits twice. */
static bool
run_scene(struct scene *s)
{
   bool ok = false;
   const struct it_env probe = {.instance = s->instance};
   struct it_env env = probe;
   CHECK_VK(it_env_find_device(&env));
   CHECK_VK(it_env_create_device(&env, NULL));
   s->physical = env.physical;
   s->family = env.family;
   s->device = env.device;
   s->queue = env.queue;
   CHECK(create_buffers_and_pipelines(s));
   CHECK_VK(it_create_command_pool(s->device, s->family, 0, NULL, &s->cmd_pool));
   CHECK_VK(it_allocate_command_buffers(s->device, s->cmd_pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                        1, &s->cmd));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 4,
   };
   CHECK_VK(vkCreateQueryPool(s->device, &query_info, NULL, &s->app_queries));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(s->device, &fence_info, NULL, &s->fence));
   CHECK(record(s));
   CHECK(submit_and_check(s));
   if (!s->back_to_back)
      CHECK(submit_and_check(s));
   ok = true;
done:
   return ok;
}

static void
destroy_scene(void *arg)
{
   struct scene *s = arg;
   if (!s->device)
      return;
   vkDestroyFence(s->device, s->fence, NULL);
   vkDestroyQueryPool(s->device, s->app_queries, NULL);
   vkDestroyCommandPool(s->device, s->cmd_pool, NULL);
   vkDestroyDescriptorPool(s->device, s->pool, NULL);
   vkDestroyPipeline(s->device, s->add, NULL);
   vkDestroyPipeline(s->device, s->fill, NULL);
   vkDestroyPipelineLayout(s->device, s->layout, NULL);
   vkDestroyDescriptorSetLayout(s->device, s->set_layout, NULL);
   for (uint32_t i = 0; i < 2; i++)
      vkDestroyShaderModule(s->device, s->modules[i], NULL);
   it_host_buffer_destroy(s->device, &s->a);
   it_host_buffer_destroy(s->device, &s->b);
   it_host_buffer_destroy(s->device, &s->c);
   vkDestroyDevice(s->device, NULL); /* the profile is written here */
   s->device = VK_NULL_HANDLE;
}

/* The count the table gives name (its line: the name, then the count), or -1. */
static long
table_count(const char *table, const char *name)
{
   size_t len = strlen(name);
   for (const char *line = table; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
      if (strncmp(line, name, len) == 0 && line[len] == ' ')
         return strtol(line + len, NULL, 10);
   }
   return -1;
}

static bool
check_table(const char *table)
{
   bool ok = false;
   CHECK(table);
   CHECK(strstr(table, "kernel") && strstr(table, "median us"));
   CHECK(table_count(table, "add_kernel") == 2 * N);
   CHECK(table_count(table, fill_name) == 2 * N);
   CHECK(table_count(table, "vkCmdFillBuffer") == 2);
   CHECK(table_count(table, "vkCmdUpdateBuffer") == 2);
   CHECK(table_count(table, "vkCmdCopyBuffer") == 2);
   CHECK(table_count(table, "region") == -1); /* labels are regions, not kernels */
   CHECK(strstr(table, " 0 slices lost"));
   /* Only a back-to-back resubmit may wait for the results of the run before it. */
   CHECK(strstr(table, "(0 waited for)") || strstr(table, "(1 waited for)"));
   ok = true;
done:
   if (!ok && table)
      fprintf(stderr, "stderr at vkDestroyDevice:\n%s\n", table);
   return ok;
}

struct slice {
   const char *name;
   double ts, dur;
   int depth;
};

static int
by_time(const void *a, const void *b)
{
   const struct slice *x = a, *y = b;
   if (x->ts != y->ts)
      return x->ts < y->ts ? -1 : 1;
   return x->depth - y->depth; /* a label before what it holds */
}

static char *
read_file(const char *path)
{
   FILE *f = fopen(path, "rb");
   if (!f)
      return NULL;
   fseek(f, 0, SEEK_END);
   long size = ftell(f);
   rewind(f);
   char *text = size >= 0 ? calloc(1, (size_t)size + 1) : NULL;
   if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
      free(text);
      text = NULL;
   }
   fclose(f);
   return text;
}

#define PER_SUBMIT (2 * N + 4)

static bool
check_trace(const char *path)
{
   bool ok = false;
   char *text = read_file(path);
   cJSON *root = text ? cJSON_Parse(text) : NULL;
   struct slice gpu[2 * PER_SUBMIT + 1];
   uint32_t gpu_count = 0;
   double submits[3];
   uint32_t submit_count = 0, waits = 0;
   CHECK(root);
   const cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
   CHECK(cJSON_IsArray(events));
   const cJSON *e;
   cJSON_ArrayForEach(e, events) {
      const cJSON *ph = cJSON_GetObjectItemCaseSensitive(e, "ph");
      const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
      const cJSON *pid = cJSON_GetObjectItemCaseSensitive(e, "pid");
      const cJSON *tid = cJSON_GetObjectItemCaseSensitive(e, "tid");
      CHECK(cJSON_IsString(ph) && cJSON_IsString(name) && cJSON_IsNumber(pid) &&
            cJSON_IsNumber(tid));
      if (strcmp(ph->valuestring, "M") == 0)
         continue;
      CHECK(strcmp(ph->valuestring, "X") == 0);
      const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "ts");
      const cJSON *dur = cJSON_GetObjectItemCaseSensitive(e, "dur");
      CHECK(cJSON_IsNumber(ts) && cJSON_IsNumber(dur) && dur->valuedouble >= 0);
      CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "cat")));
      if (pid->valueint == 2) { /* CPU */
         if (strcmp(name->valuestring, "vkQueueSubmit") == 0) {
            CHECK(submit_count < 2);
            submits[submit_count++] = ts->valuedouble;
         }
         waits += strcmp(name->valuestring, "vkWaitForFences") == 0;
         continue;
      }
      CHECK(pid->valueint == 1 && tid->valueint == 1); /* the one queue's track */
      CHECK(gpu_count < 2 * PER_SUBMIT);
      const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
      const cJSON *depth = cJSON_GetObjectItemCaseSensitive(args, "depth");
      CHECK(cJSON_IsString(depth));
      gpu[gpu_count++] = (struct slice){name->valuestring, ts->valuedouble, dur->valuedouble,
                                        atoi(depth->valuestring)};
   }
   CHECK(submit_count == 2);
   CHECK(waits >= 1);
   CHECK(gpu_count == 2 * PER_SUBMIT);
   /* In time, each submit's slices in recording order, each dispatch with a duration, the
    * label's N dispatches one level down and inside it, the second submit after the first. */
   qsort(gpu, gpu_count, sizeof(gpu[0]), by_time);
   for (uint32_t k = 0; k < 2; k++) {
      const struct slice *s = &gpu[k * PER_SUBMIT];
      CHECK(s[0].ts >= submits[k]);
      CHECK(strcmp(s[0].name, "vkCmdFillBuffer") == 0 && s[0].depth == 0);
      CHECK(strcmp(s[1].name, "vkCmdUpdateBuffer") == 0 && s[1].depth == 0);
      CHECK(strcmp(s[2].name, "vkCmdCopyBuffer") == 0 && s[2].depth == 0);
      for (uint32_t i = 0; i < N; i++) {
         CHECK(strcmp(s[3 + i].name, "add_kernel") == 0 && s[3 + i].depth == 0);
         CHECK(s[3 + i].dur > 0);
      }
      const struct slice *label = &s[3 + N];
      CHECK(strcmp(label->name, "region") == 0 && label->depth == 0);
      for (uint32_t i = 0; i < N; i++) {
         const struct slice *d = &s[4 + N + i];
         CHECK(strcmp(d->name, fill_name) == 0 && d->depth == 1);
         CHECK(d->dur > 0);
         CHECK(d->ts >= label->ts && d->ts + d->dur <= label->ts + label->dur + 1e-9);
      }
      for (uint32_t i = 1; i < PER_SUBMIT; i++)
         CHECK(s[i].ts >= s[i - 1].ts);
      /* Nothing before the label ends after it starts (a command's slice holds it alone). */
      for (uint32_t i = 0; i < 3 + N; i++)
         CHECK(s[i].ts + s[i].dur <= label->ts + 1e-9);
   }
   ok = true;
done:
   cJSON_Delete(root);
   free(text);
   return ok;
}

struct mode {
   const char *name;
   bool file, summary, back_to_back;
};

static const char *const instance_extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};

static bool
run_mode(const struct mode *m)
{
   bool ok = false;
   char path[] = "/tmp/kronos-profile-XXXXXX";
   int fd = -1;
   char *table = NULL;
   char written[sizeof(path) + 16] = "";
   struct scene s = {.back_to_back = m->back_to_back};
   it_watchdog_arm(m->name, 120);
   unsetenv("KRONOS_PROFILE");
   unsetenv("KRONOS_PROFILE_SUMMARY");
   if (m->file) {
      fd = mkstemp(path);
      CHECK(fd >= 0);
      setenv("KRONOS_PROFILE", path, 1);
   }
   if (m->summary)
      setenv("KRONOS_PROFILE_SUMMARY", "1", 1);
   CHECK_VK(it_create_instance(instance_extensions, 1, NULL, &s.instance));
   CHECK(run_scene(&s));
   table = it_capture_stderr(destroy_scene, &s);
   if (m->file || m->summary)
      CHECK(check_table(table));
   else
      CHECK(table && !strstr(table, "median us")); /* off: no table */
   if (m->file) {
      /* The process's first profile is written to KRONOS_PROFILE itself, later ones to
       * "<it>.<n>": the table's head line says where. */
      const char *where = strstr(table, ", trace in ");
      CHECK(where);
      where += strlen(", trace in ");
      const char *colon = strstr(where, ": ");
      CHECK(colon && (size_t)(colon - where) < sizeof(written));
      memcpy(written, where, (size_t)(colon - where));
      written[colon - where] = 0;
      CHECK(strncmp(written, path, strlen(path)) == 0);
      CHECK(check_trace(written));
   }
   ok = true;
done:
   destroy_scene(&s);
   if (s.instance)
      vkDestroyInstance(s.instance, NULL);
   if (fd >= 0) {
      close(fd);
      unlink(path);
   }
   if (*written)
      unlink(written);
   free(table);
   unsetenv("KRONOS_PROFILE");
   unsetenv("KRONOS_PROFILE_SUMMARY");
   it_watchdog_arm(NULL, 0);
   return ok;
}

static bool
profile_file(void)
{
   return run_mode(&(struct mode){"profile_file", true, false});
}

static bool
profile_summary(void)
{
   return run_mode(&(struct mode){"profile_summary", false, true});
}

static bool
profile_off(void)
{
   return run_mode(&(struct mode){"profile_off", false, false});
}

static bool
profile_back_to_back(void)
{
   return run_mode(&(struct mode){"profile_back_to_back", true, false, true});
}

int
main(void)
{
   expected_fill_name();
   static const struct it_test tests[] = {
      {"profile_file", profile_file, false},
      {"profile_summary", profile_summary, false},
      {"profile_off", profile_off, false},
      {"profile_back_to_back", profile_back_to_back, false},
   };
   return IT_RUN_TESTS(tests);
}
