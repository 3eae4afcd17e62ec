/* SPDX-License-Identifier: MIT */
/* The fault sweep's representative program (issue 12): what a compute application does, once,
 * through the loader and Kronos: instance, device, memory from Kronos's pool and a dedicated
 * allocation, buffers, a pipeline, a descriptor set, command buffers, two rounds of submits
 * (a binary semaphore between them, a timeline semaphore and a fence signalled), waits, a
 * timestamp query, resets, and every object destroyed, whatever failed.
 *
 * With KRONOS_FAULT_HOST_ALLOC set, every instance, device and object of the program is made
 * with the application's own VkAllocationCallbacks (counting ones, it_common.h): "count" prints
 * "host allocations: N", the allocations made on the program's thread (and, with
 * KRONOS_FAULT_HOST_ALLOC_TRACE=FILE, says where each was made: on_host_allocation); a number
 * N refuses the Nth of them (only that one) and says where on stderr. Every block must be
 * freed by the end. KRONOS_FAULT_DIRECT=1 runs it on the first device the loader lists (the
 * fault driver's, where VK_DRIVER_FILES names it) instead of Kronos's.
 *
 * Exit status: 0 the results are right; 1 a Vulkan call failed (the first failure is printed as
 * "error: CALL returned RESULT", the program then destroys what it made); 2 wrong results
 * reported as success (never acceptable); 3 a wait timed out (IT_TIMEOUT_NS: a hang); 4 a block
 * of the application's callbacks was never freed, or freed through other callbacks. */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"
#include "saxpy_spv.h"

#define N 4096u
#define SAXPY_A 3.0f
#define DEDICATED_SIZE (1u << 20)
#define WAIT_NS (10ull * 1000 * 1000 * 1000)

enum { EXIT_PASS, EXIT_ERROR, EXIT_WRONG, EXIT_TIMEOUT, EXIT_LEAK };

/* The application's allocation callbacks (KRONOS_FAULT_HOST_ALLOC), or none (NULL). */
static struct it_counting_allocator host_allocator;
static const VkAllocationCallbacks *allocator;

struct program {
   VkInstance instance;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   struct it_host_buffer x, y;
   VkBuffer dedicated_buffer;
   VkDeviceMemory dedicated_memory;
   float *dedicated_data;
   VkShaderModule module;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout pipeline_layout;
   VkPipeline pipeline;
   VkDescriptorPool descriptor_pool;
   VkDescriptorSet set;
   VkCommandPool command_pool;
   VkCommandBuffer cmds[2];
   VkSemaphore binary, timeline;
   VkFence fence;
   VkQueryPool queries;
   int status;
};

/* The first failure decides the exit status; what follows it is cleanup. */
static bool
ok(struct program *p, const char *call, VkResult result)
{
   if (result == VK_SUCCESS)
      return true;
   if (p->status == EXIT_PASS) {
      printf("error: %s returned %s\n", call, it_result_name(result));
      p->status = result == VK_TIMEOUT ? EXIT_TIMEOUT : EXIT_ERROR;
   }
   return false;
}

/* The call the program is in: host allocation traces name it, to match the vendor's own
 * allocations under Kronos with those the vendor makes in the same call without it. */
static const char *step = "start";
#define STEP(call) (step = #call, call)

#define TRY(p, call)                                                                          \
   do {                                                                                       \
      if (!ok((p), #call, STEP(call)))                                                        \
         return false;                                                                        \
   } while (0)

static bool
create_device(struct program *p)
{
   TRY(p, it_create_instance(NULL, 0, allocator, &p->instance));
   if (getenv("KRONOS_FAULT_DIRECT")) {
      /* The same program on the first device, without Kronos (VK_DRIVER_FILES names the
       * vendor): what the vendor alone does when an allocation of its own is refused. */
      uint32_t count = 1;
      VkResult result = STEP(vkEnumeratePhysicalDevices(p->instance, &count, &p->physical));
      if (result != VK_INCOMPLETE)
         TRY(p, result);
      if (count == 0)
         return ok(p, "vkEnumeratePhysicalDevices", VK_ERROR_INITIALIZATION_FAILED);
   } else {
      TRY(p, it_find_kronos_device(p->instance, &p->physical));
   }
   p->family = it_compute_family(p->physical);
   if (p->family == UINT32_MAX)
      return ok(p, "it_compute_family", VK_ERROR_FEATURE_NOT_PRESENT);
   VkPhysicalDeviceVulkan12Features f12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .timelineSemaphore = VK_TRUE,
   };
   TRY(p, it_create_device(p->physical, p->family, &f12, NULL, NULL, 0, allocator, &p->device));
   STEP(vkGetDeviceQueue(p->device, p->family, 0, &p->queue));
   return true;
}

/* A host-visible buffer with memory of its own (VkMemoryDedicatedAllocateInfo). */
static bool
create_dedicated(struct program *p)
{
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = DEDICATED_SIZE,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
   };
   TRY(p, vkCreateBuffer(p->device, &info, allocator, &p->dedicated_buffer));
   VkMemoryRequirements req;
   STEP(vkGetBufferMemoryRequirements(p->device, p->dedicated_buffer, &req));
   uint32_t type = it_memory_type(p->physical, req.memoryTypeBits,
                                  VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   const VkMemoryDedicatedAllocateInfo dedicated = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
      .buffer = p->dedicated_buffer,
   };
   const VkMemoryAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = &dedicated,
      .allocationSize = req.size,
      .memoryTypeIndex = type,
   };
   TRY(p, vkAllocateMemory(p->device, &alloc, allocator, &p->dedicated_memory));
   TRY(p, vkBindBufferMemory(p->device, p->dedicated_buffer, p->dedicated_memory, 0));
   TRY(p, vkMapMemory(p->device, p->dedicated_memory, 0, VK_WHOLE_SIZE, 0,
                      (void **)&p->dedicated_data));
   return true;
}

static bool
create_resources(struct program *p)
{
   const VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                    VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
   TRY(p, it_host_buffer_create(p->physical, p->device, N * sizeof(float), usage, &p->x));
   TRY(p, it_host_buffer_create(p->physical, p->device, N * sizeof(float), usage, &p->y));
   if (!create_dedicated(p))
      return false;

   TRY(p, it_create_shader_module(p->device, saxpy_spv, saxpy_spv_size, &p->module));
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   TRY(p, it_create_set_layout(p->device, 0, NULL, bindings, 2, &p->set_layout));
   TRY(p, it_create_pipeline_layout(p->device, &p->set_layout, 1, 8, &p->pipeline_layout));
   TRY(p, it_create_compute_pipeline(p->device, p->module, p->pipeline_layout, &p->pipeline));

   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
   TRY(p, it_create_descriptor_pool(p->device, 0, 1, &size, 1, allocator, &p->descriptor_pool));
   TRY(p, it_allocate_sets(p->device, p->descriptor_pool, &p->set_layout, 1, &p->set));
   const VkDescriptorBufferInfo infos[2] = {
      {p->x.buffer, 0, VK_WHOLE_SIZE},
      {p->y.buffer, 0, VK_WHOLE_SIZE},
   };
   STEP(it_write_storage_buffers(p->device, p->set, infos, 2));

   TRY(p, it_create_command_pool(p->device, p->family, 0, allocator, &p->command_pool));
   TRY(p, it_allocate_command_buffers(p->device, p->command_pool,
                                      VK_COMMAND_BUFFER_LEVEL_PRIMARY, 2, p->cmds));

   const VkSemaphoreCreateInfo binary = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   TRY(p, vkCreateSemaphore(p->device, &binary, allocator, &p->binary));
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo timeline = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
      .pNext = &type,
   };
   TRY(p, vkCreateSemaphore(p->device, &timeline, allocator, &p->timeline));
   const VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   TRY(p, vkCreateFence(p->device, &fence, allocator, &p->fence));
   const VkQueryPoolCreateInfo queries = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 2,
   };
   TRY(p, vkCreateQueryPool(p->device, &queries, allocator, &p->queries));
   return true;
}

/* cmds[0]: y = a * x + y between two timestamps; cmds[1]: y copied to the dedicated buffer. */
static bool
record(struct program *p)
{
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   VkCommandBuffer cmd = p->cmds[0];
   TRY(p, vkBeginCommandBuffer(cmd, &begin));
   STEP(vkCmdResetQueryPool(cmd, p->queries, 0, 2));
   STEP(vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, p->queries, 0));
   STEP(vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline));
   STEP(vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline_layout, 0, 1,
                                &p->set, 0, NULL));
   const struct {
      uint32_t n;
      float a;
   } push = {N, SAXPY_A};
   STEP(vkCmdPushConstants(cmd, p->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                           sizeof(push), &push));
   STEP(vkCmdDispatch(cmd, (N + 255) / 256, 1, 1));
   STEP(vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, p->queries, 1));
   TRY(p, vkEndCommandBuffer(cmd));

   cmd = p->cmds[1];
   TRY(p, vkBeginCommandBuffer(cmd, &begin));
   STEP(it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                          VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT));
   const VkBufferCopy copy = {0, 0, N * sizeof(float)};
   STEP(vkCmdCopyBuffer(cmd, p->y.buffer, p->dedicated_buffer, 1, &copy));
   STEP(it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                          VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT));
   TRY(p, vkEndCommandBuffer(cmd));
   return true;
}

/* Two submits (the binary semaphore between them), the second signalling the timeline
 * semaphore to value and the fence; waits on both. */
static bool
submit_round(struct program *p, uint64_t value)
{
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
   const VkTimelineSemaphoreSubmitInfo timeline = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = 1,
      .pWaitSemaphoreValues = (const uint64_t[]){0},
      .signalSemaphoreValueCount = 1,
      .pSignalSemaphoreValues = &value,
   };
   const VkSubmitInfo first = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &p->cmds[0],
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &p->binary,
   };
   const VkSubmitInfo second = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &timeline,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &p->binary,
      .pWaitDstStageMask = &stage,
      .commandBufferCount = 1,
      .pCommandBuffers = &p->cmds[1],
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &p->timeline,
   };
   TRY(p, vkQueueSubmit(p->queue, 1, &first, VK_NULL_HANDLE));
   TRY(p, vkQueueSubmit(p->queue, 1, &second, p->fence));
   const VkSemaphoreWaitInfo wait = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &p->timeline,
      .pValues = &value,
   };
   TRY(p, vkWaitSemaphores(p->device, &wait, WAIT_NS));
   TRY(p, vkWaitForFences(p->device, 1, &p->fence, VK_TRUE, WAIT_NS));
   uint64_t counter = 0;
   TRY(p, vkGetSemaphoreCounterValue(p->device, p->timeline, &counter));
   if (counter != value) {
      printf("wrong: the timeline semaphore is at %llu, not %llu\n", (unsigned long long)counter,
             (unsigned long long)value);
      p->status = EXIT_WRONG;
      return false;
   }
   uint64_t stamps[2];
   TRY(p, vkGetQueryPoolResults(p->device, p->queries, 0, 2, sizeof(stamps), stamps,
                                sizeof(stamps[0]),
                                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
   return true;
}

/* Whether the dedicated buffer holds y = i * factor (exact in binary32). */
static bool
check(struct program *p, float factor)
{
   for (uint32_t i = 0; i < N; i++) {
      if (p->dedicated_data[i] != (float)i * factor) {
         printf("wrong: element %u is %g, not %g\n", i, p->dedicated_data[i],
                (double)((float)i * factor));
         p->status = EXIT_WRONG;
         return false;
      }
   }
   return true;
}

static bool
run(struct program *p)
{
   if (!create_device(p) || !create_resources(p))
      return false;
   float *x = p->x.data, *y = p->y.data;
   for (uint32_t i = 0; i < N; i++) {
      x[i] = (float)i;
      y[i] = (float)(2 * i);
   }
   /* Round 1: y = 3x + 2i = 5i. Round 2, re-recorded after resets: y = 3x + 5i = 8i. */
   if (!record(p) || !submit_round(p, 1) || !check(p, 5.0f))
      return false;
   TRY(p, vkResetFences(p->device, 1, &p->fence));
   TRY(p, vkResetCommandPool(p->device, p->command_pool, 0));
   if (!record(p) || !submit_round(p, 2))
      return false;
   TRY(p, vkQueueWaitIdle(p->queue));
   return check(p, 8.0f);
}

static void
destroy(struct program *p)
{
   if (p->device) {
      /* After a failure, work may still be pending (the wait's result then is not news). */
      ok(p, "vkDeviceWaitIdle", vkDeviceWaitIdle(p->device));
      STEP(vkDestroyQueryPool(p->device, p->queries, allocator));
      STEP(vkDestroyFence(p->device, p->fence, allocator));
      STEP(vkDestroySemaphore(p->device, p->timeline, allocator));
      STEP(vkDestroySemaphore(p->device, p->binary, allocator));
      if (p->cmds[0] || p->cmds[1]) {
         /* Freeing VK_NULL_HANDLE elements is allowed. */
         STEP(vkFreeCommandBuffers(p->device, p->command_pool, 2, p->cmds));
      }
      STEP(vkDestroyCommandPool(p->device, p->command_pool, allocator));
      STEP(vkDestroyDescriptorPool(p->device, p->descriptor_pool, allocator));
      STEP(vkDestroyPipeline(p->device, p->pipeline, NULL));
      STEP(vkDestroyPipelineLayout(p->device, p->pipeline_layout, NULL));
      STEP(vkDestroyDescriptorSetLayout(p->device, p->set_layout, NULL));
      STEP(vkDestroyShaderModule(p->device, p->module, NULL));
      if (p->dedicated_data)
         STEP(vkUnmapMemory(p->device, p->dedicated_memory));
      STEP(vkDestroyBuffer(p->device, p->dedicated_buffer, allocator));
      STEP(vkFreeMemory(p->device, p->dedicated_memory, allocator));
      STEP(it_host_buffer_destroy(p->device, &p->y));
      STEP(it_host_buffer_destroy(p->device, &p->x));
      STEP(vkDestroyDevice(p->device, allocator));
   }
   if (p->instance)
      STEP(vkDestroyInstance(p->instance, allocator));
}

/* Where each host allocation of the application's callbacks is made: the library that asked
 * for it, the program's step (the call it is in), the fault driver's command last entered on
 * this thread ("-" where the fault driver is not loaded: the vendor command an allocation of the
 * vendor's is made in, with Kronos between or without), and its number among the allocations of
 * that library in that command. KRONOS_FAULT_HOST_ALLOC_TRACE=FILE writes "N LIBRARY STEP
 * COMMAND K" there for each; the refused one is said on stderr when it is refused. */
struct allocation_site {
   const char *library, *command;
   long count;
};
static struct allocation_site sites[512];
static unsigned site_count;
static FILE *trace_file;

static int
find_fault_driver(struct dl_phdr_info *info, size_t size, void *found)
{
   (void)size;
   if (!strstr(info->dlpi_name, "vulkan_kronos_faultdrv"))
      return 0;
   void *library = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
   if (library) {
      *(void **)found = dlsym(library, "kronos_faultdrv_current_command");
      dlclose(library); /* the loader's or Kronos's reference keeps it loaded */
   }
   return 1;
}

/* The kth allocation of library in command, counting this one (0 when the table is full). */
static long
site_count_next(const char *library, const char *command)
{
   for (unsigned i = 0; i < site_count; i++) {
      if (strcmp(sites[i].library, library) == 0 && strcmp(sites[i].command, command) == 0)
         return ++sites[i].count;
   }
   if (site_count == sizeof(sites) / sizeof(sites[0]))
      return 0;
   sites[site_count] = (struct allocation_site){library, command, 1};
   return sites[site_count++].count;
}

static void
on_host_allocation(long n, void *caller, bool refused)
{
   Dl_info info;
   const char *library = dladdr(caller, &info) && info.dli_fname ? info.dli_fname : "?";
   const char *slash = strrchr(library, '/');
   library = slash ? slash + 1 : library;
   const char *(*current_command)(void) = NULL;
   dl_iterate_phdr(find_fault_driver, &current_command);
   const char *command = current_command && current_command() ? current_command() : "-";
   long k = site_count_next(library, command);
   const int step_length = (int)strcspn(step, "( \n");
   if (trace_file)
      fprintf(trace_file, "%ld %s %.*s %s %ld\n", n, library, step_length, step, command, k);
   if (refused) {
      /* Now: the program may not live to its end (the vendor's own bugs). */
      fprintf(stderr, "fault_program: host allocation %ld refused: %s %.*s %s %ld\n", n, library,
              step_length, step, command, k);
   }
}

/* KRONOS_FAULT_HOST_ALLOC: the application's callbacks from now on, counting ("count") or
 * refusing the Nth allocation; how many it refuses (0 for count), or -1 (not set or invalid). */
static long
host_allocator_start(void)
{
   const char *mode = getenv("KRONOS_FAULT_HOST_ALLOC");
   if (!mode)
      return 0;
   char *end = NULL;
   long nth = strcmp(mode, "count") == 0 ? 0 : strtol(mode, &end, 10);
   if (end && (*end || nth < 1)) {
      fprintf(stderr, "KRONOS_FAULT_HOST_ALLOC is \"%s\", not count or a number from 1\n", mode);
      return -1;
   }
   it_counting_init(&host_allocator, "application");
   const char *trace = getenv("KRONOS_FAULT_HOST_ALLOC_TRACE");
   if (nth == 0 && trace) {
      if (!(trace_file = fopen(trace, "w"))) {
         fprintf(stderr, "cannot write %s\n", trace);
         return -1;
      }
   }
   host_allocator.on_allocation = on_host_allocation;
   allocator = &host_allocator.callbacks;
   it_counting_refuse_one(&host_allocator, nth ? nth - 1 : LONG_MAX);
   return nth;
}

/* After everything is destroyed: what the application's callbacks saw. */
static void
host_allocator_finish(struct program *p, long nth)
{
   if (!allocator)
      return;
   const long granted = it_counting_granted();
   it_counting_refuse(NULL, 0);
   if (trace_file) {
      fclose(trace_file);
      trace_file = NULL;
   }
   if (nth == 0)
      printf("host allocations: %ld\n", granted);
   long live = atomic_load(&host_allocator.live);
   long wrong = atomic_load(&host_allocator.wrong_frees);
   if (live || wrong) {
      printf("leak: %ld blocks of the application's callbacks never freed, %ld freed through "
             "other callbacks\n", live, wrong);
      if (p->status == EXIT_PASS || p->status == EXIT_ERROR)
         p->status = EXIT_LEAK;
   }
}

int
main(void)
{
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader (libvulkan.so.1)\n");
      return EXIT_ERROR;
   }
   long nth = host_allocator_start();
   if (nth < 0)
      return EXIT_ERROR;
   struct program p = {0};
   run(&p);
   destroy(&p);
   host_allocator_finish(&p, nth);
   if (p.status == EXIT_PASS)
      printf("pass\n");
   return p.status;
}
