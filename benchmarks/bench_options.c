/* SPDX-License-Identifier: MIT */
#include "bench_options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench_exit.h"
#include "bench_micro_submit.h"

#include <unistd.h>

/* Where tools/plot_bench.py is: in the source tree the build came from, else installed. */
#ifndef KRONOS_BENCH_PLOT_SCRIPT
#define KRONOS_BENCH_PLOT_SCRIPT "tools/plot_bench.py"
#endif
#ifndef KRONOS_BENCH_PLOT_SCRIPT_INSTALLED
#define KRONOS_BENCH_PLOT_SCRIPT_INSTALLED "/usr/local/share/kronos/plot_bench.py"
#endif

static const char *
default_plot_script(void)
{
   if (access(KRONOS_BENCH_PLOT_SCRIPT, R_OK) == 0)
      return KRONOS_BENCH_PLOT_SCRIPT;
   return KRONOS_BENCH_PLOT_SCRIPT_INSTALLED;
}

static void
usage(FILE *out)
{
   fprintf(out,
      "usage: kronos-bench [options]\n"
      "\n"
      "Runs compute workloads and micro rows on a vendor Vulkan device directly and on the Kronos\n"
      "device over the same vendor, alternating, in one process; reports medians of wall time\n"
      "per unit, CPU time in recording and in vkQueueSubmit, GPU time (timestamps), and the\n"
      "ratio Kronos / direct, with Kronos's own counters (descriptor writes and barriers per\n"
      "dispatch, vendor submits per application submit, vendor allocations).\n"
      "\n"
      "  --quick              small sizes, few repetitions: seconds, for tests\n"
      "  --workload LIST      rows to run, comma-separated: saxpy, reduce, scan, gemm,\n"
      "                       gemm-coopmat (the workloads; gemm-coopmat needs\n"
      "                       VK_KHR_cooperative_matrix), alloc-1MiB, alloc-host-1MiB, alloc-mixed,\n"
      "                       submit-fences, round-trip, chain-barriers, chain-nobarriers,\n"
      "                       chain-dependent, graph-dag, descriptor-updates,\n"
      "                       descriptor-framework (micro rows), submit-fences,\n"
      "                       submit-nofence, roundtrip-fence, roundtrip-timeline,\n"
      "                       unobserved-latency, unobserved-busy (submit rows), the groups\n"
      "                       'workloads', 'micro' and 'submit', or GROUP/NAME where a name is\n"
      "                       in two groups (submit/submit-fences) (default: all)\n"
      "  --size LIST          workload input sizes, e.g. 64K,8M,64M (default 64K,8M,64M;\n"
      "                       --quick: 64K)\n"
      "  --batch LIST         workload applications per submit (default 1,16,256;\n"
      "                       --quick: 1,16)\n"
      "  --submits N          submits per iteration of submit-fences and submit-nofence\n"
      "  --submit-barriers B  barriers in the submit rows' command buffers: end (default:\n"
      "                       the last submit makes all writes host-visible), host (every\n"
      "                       one does), each (and a compute barrier before each dispatch)\n"
      "                       (default %u)\n"
      "  --reps N             measured repetitions per side (default 7; --quick 3)\n"
      "  --warmup N           warm-up repetitions per side (default 2)\n"
      "  --min-ms X           inner iterations grow until a measurement lasts X ms (default 2;\n"
      "                       --quick 1)\n"
      "  --max-row-seconds X  rows that would take longer get fewer repetitions (3 at least) or\n"
      "                       are skipped (default 60; --quick 10)\n"
      "  --max-iterations N   bound on inner iterations (default 100000)\n"
      "  --seed N             input seed (default 1)\n"
      "  --device TEXT        the first vendor device whose name contains TEXT\n"
      "  --out DIR            write DIR/bench.json, DIR/summary.md and DIR/bench.png\n"
      "  --no-plot            no PNG\n"
      "  --plot-script PATH   the plotting script (default %s)\n"
      "  --expect-passthrough fail unless every vendor counter equals its application counter\n"
      "                       (Kronos with no optimization on: KRONOS_DISABLE=all)\n"
      "  --expect-passthrough=LIST\n"
      "                       only for the optimizations in LIST (comma-separated: pool,\n"
      "                       batch, barrier, descriptor, all), e.g. with\n"
      "                       KRONOS_DISABLE=descriptor: --expect-passthrough=descriptor\n"
      "  --expect-drop-all    Kronos runs with KRONOS_BARRIER_DROP_ALL=1 (a debug setting): no\n"
      "                       vendor barrier at all; outputs are still checked\n"
      "  --validation         enable VK_LAYER_KHRONOS_validation; any validation error fails\n"
      "                       the run (timings then mean little)\n"
      "  --sync-validation    --validation plus synchronization validation\n"
      "  --dispatch-timestamps\n"
      "                       workload rows also bracket each dispatch with timestamps of\n"
      "                       their own (as Kronos's profiler does) and report the GPU time\n"
      "                       of the dispatches alone (dispatch_gpu_us), besides the command\n"
      "                       buffer's span (gpu_us: barriers and gaps included)\n"
      "  --list-devices       print the vendor/Kronos device pairs and exit (2 if none)\n"
      "  --help               this text\n"
      "\n"
      "Both drivers must be visible, Kronos over the vendor:\n"
      "  VK_DRIVER_FILES=<vendor manifest>:<build>/icd/kronos_icd.x86_64.json\n"
      "  KRONOS_VENDOR_ICD=<vendor manifest>\n"
      "\n"
      "Exit status: 0 all checks passed, 1 a check or a Vulkan call failed, 2 usage error or no\n"
      "device pair.\n",
      BENCH_SUBMIT_DEFAULT_COUNT, default_plot_script());
}

/* "pool,descriptor": bench_passthrough bits, or'ed into *out. */
static bool
parse_passthrough(const char *text, unsigned *out)
{
   static const struct {
      const char *name;
      unsigned bits;
   } names[] = {
      {"pool", BENCH_PASSTHROUGH_POOL},
      {"batch", BENCH_PASSTHROUGH_BATCH},
      {"barrier", BENCH_PASSTHROUGH_BARRIER},
      {"descriptor", BENCH_PASSTHROUGH_DESCRIPTOR},
      {"all", BENCH_PASSTHROUGH_ALL},
   };
   const char *start = text;
   while (*start) {
      size_t length = strcspn(start, ",");
      bool known = false;
      for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !known; i++) {
         if (strlen(names[i].name) == length && strncmp(start, names[i].name, length) == 0) {
            *out |= names[i].bits;
            known = true;
         }
      }
      if (!known)
         return false;
      start += length;
      if (*start == ',' && *++start == '\0')
         return false;
   }
   return start != text;
}

static bool
parse_u64(const char *text, uint64_t *out)
{
   char *end = NULL;
   errno = 0;
   if (!text || *text == '-' || *text == '\0')
      return false;
   unsigned long long value = strtoull(text, &end, 0);
   if (errno || *end != '\0')
      return false;
   *out = value;
   return true;
}

static bool
parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
   uint64_t value;
   if (!parse_u64(text, &value) || value < min || value > max)
      return false;
   *out = (uint32_t)value;
   return true;
}

static bool
parse_submit_barriers(const char *text, enum bench_submit_barriers *out)
{
   static const char *const names[] = {
      [BENCH_SUBMIT_BARRIERS_END] = "end",
      [BENCH_SUBMIT_BARRIERS_HOST] = "host",
      [BENCH_SUBMIT_BARRIERS_EACH] = "each",
   };
   for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      if (strcmp(text, names[i]) == 0) {
         *out = (enum bench_submit_barriers)i;
         return true;
      }
   }
   return false;
}

static bool
parse_positive_double(const char *text, double *out)
{
   char *end = NULL;
   errno = 0;
   if (!text || *text == '\0')
      return false;
   double value = strtod(text, &end);
   if (errno || *end != '\0' || !(value > 0.0) || value > 1e9)
      return false;
   *out = value;
   return true;
}

/* "64K", "64KiB", "8M", "8MiB", "1G", "4096". */
static bool
parse_size(const char *text, uint64_t *out)
{
   char *end = NULL;
   errno = 0;
   if (!text || *text < '0' || *text > '9')
      return false;
   unsigned long long value = strtoull(text, &end, 10);
   if (errno)
      return false;
   uint64_t scale = 1;
   if (*end != '\0') {
      const char *suffix = end;
      if (strchr("kK", suffix[0]))
         scale = 1ull << 10;
      else if (strchr("mM", suffix[0]))
         scale = 1ull << 20;
      else if (strchr("gG", suffix[0]))
         scale = 1ull << 30;
      else
         return false;
      suffix++;
      if (strcasecmp(suffix, "") != 0 && strcasecmp(suffix, "i") != 0 &&
          strcasecmp(suffix, "ib") != 0 && strcasecmp(suffix, "b") != 0)
         return false;
   }
   if (value == 0 || value > (1ull << 40) / scale)
      return false;
   *out = value * scale;
   return true;
}

/* Splits a comma-separated list in place (the strings stay in argv). */
static bool
split_list(char *text, const char **items, uint32_t *count)
{
   *count = 0;
   for (char *save = NULL, *item = strtok_r(text, ",", &save); item;
        item = strtok_r(NULL, ",", &save)) {
      if (*count == BENCH_MAX_LIST)
         return false;
      items[(*count)++] = item;
   }
   return *count > 0;
}

static bool
parse_sizes(char *text, struct bench_options *out)
{
   const char *items[BENCH_MAX_LIST];
   if (!split_list(text, items, &out->size_count))
      return false;
   for (uint32_t i = 0; i < out->size_count; i++) {
      if (!parse_size(items[i], &out->sizes[i]))
         return false;
   }
   return true;
}

static bool
parse_batches(char *text, struct bench_options *out)
{
   const char *items[BENCH_MAX_LIST];
   if (!split_list(text, items, &out->batch_count))
      return false;
   for (uint32_t i = 0; i < out->batch_count; i++) {
      if (!parse_u32(items[i], 1, 65536, &out->batches[i]))
         return false;
   }
   return true;
}

static void
set_defaults(struct bench_options *o, bool quick)
{
   static const uint64_t full_sizes[] = {64ull << 10, 8ull << 20, 64ull << 20};
   static const uint32_t full_batches[] = {1, 16, 256};
   o->size_count = quick ? 1 : 3;
   memcpy(o->sizes, full_sizes, o->size_count * sizeof(o->sizes[0]));
   o->batch_count = quick ? 2 : 3;
   memcpy(o->batches, full_batches, o->batch_count * sizeof(o->batches[0]));
   o->submit_count = BENCH_SUBMIT_DEFAULT_COUNT;
   o->reps = quick ? 3 : 7;
   o->warmups = 2;
   o->min_measure_ms = quick ? 1.0 : 2.0;
   o->max_row_s = quick ? 10.0 : 60.0;
}

int
bench_options_parse(int argc, char **argv, struct bench_options *out)
{
   memset(out, 0, sizeof(*out));
   out->argc = argc;
   out->argv = argv;
   out->plot = true;
   out->seed = 1;
   out->max_iterations = 100000;
   out->plot_script = default_plot_script();
   for (int i = 1; i < argc; i++)
      out->quick |= strcmp(argv[i], "--quick") == 0;
   set_defaults(out, out->quick);

   for (int i = 1; i < argc; i++) {
      const char *arg = argv[i];
      char *value = NULL;
      bool ok = true;
#define TAKES_VALUE(name) (strcmp(arg, name) == 0 && (value = i + 1 < argc ? argv[++i] : NULL, 1))
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
         usage(stdout);
         return BENCH_EXIT_PASS;
      } else if (strcmp(arg, "--quick") == 0) {
         /* applied above */
      } else if (strcmp(arg, "--no-plot") == 0) {
         out->plot = false;
      } else if (strcmp(arg, "--expect-passthrough") == 0) {
         out->expect_passthrough |= BENCH_PASSTHROUGH_ALL;
      } else if (strncmp(arg, "--expect-passthrough=", 21) == 0) {
         value = (char *)arg + 21;
         ok = parse_passthrough(value, &out->expect_passthrough);
      } else if (strcmp(arg, "--expect-drop-all") == 0) {
         out->expect_passthrough |= BENCH_DROP_ALL;
      } else if (strcmp(arg, "--validation") == 0) {
         out->validation = true;
      } else if (strcmp(arg, "--sync-validation") == 0) {
         out->validation = true;
         out->sync_validation = true;
      } else if (strcmp(arg, "--dispatch-timestamps") == 0) {
         out->dispatch_timestamps = true;
      } else if (strcmp(arg, "--list-devices") == 0) {
         out->list_devices = true;
      } else if (TAKES_VALUE("--workload")) {
         ok = value && split_list(value, out->names, &out->name_count);
      } else if (TAKES_VALUE("--size")) {
         ok = value && parse_sizes(value, out);
      } else if (TAKES_VALUE("--batch")) {
         ok = value && parse_batches(value, out);
      } else if (TAKES_VALUE("--submit-barriers")) {
         ok = value && parse_submit_barriers(value, &out->submit_barriers);
      } else if (TAKES_VALUE("--submits")) {
         ok = parse_u32(value, 1, BENCH_SUBMIT_MAX_COUNT, &out->submit_count);
      } else if (TAKES_VALUE("--reps")) {
         ok = parse_u32(value, 1, BENCH_MAX_REPS_OPTION, &out->reps);
      } else if (TAKES_VALUE("--warmup")) {
         ok = parse_u32(value, 0, 100, &out->warmups);
      } else if (TAKES_VALUE("--max-iterations")) {
         ok = parse_u32(value, 1, 100000000, &out->max_iterations);
      } else if (TAKES_VALUE("--seed")) {
         ok = parse_u32(value, 0, UINT32_MAX, &out->seed);
      } else if (TAKES_VALUE("--min-ms")) {
         ok = parse_positive_double(value, &out->min_measure_ms);
      } else if (TAKES_VALUE("--max-row-seconds")) {
         ok = parse_positive_double(value, &out->max_row_s);
      } else if (TAKES_VALUE("--out")) {
         ok = value && *value;
         out->out_dir = value;
      } else if (TAKES_VALUE("--device")) {
         ok = value && *value;
         out->device_filter = value;
      } else if (TAKES_VALUE("--plot-script")) {
         ok = value && *value;
         out->plot_script = value;
      } else {
         fprintf(stderr, "kronos-bench: unknown argument '%s'\n\n", arg);
         usage(stderr);
         return BENCH_EXIT_SETUP;
      }
#undef TAKES_VALUE
      if (!ok) {
         fprintf(stderr, "kronos-bench: bad value for %s: '%s' (see --help)\n", arg,
                 value ? value : "(missing)");
         return BENCH_EXIT_SETUP;
      }
   }
   return -1;
}

bool
bench_options_selects(const struct bench_options *options, const char *group, const char *name)
{
   if (options->name_count == 0)
      return true;
   size_t group_length = strlen(group);
   for (uint32_t i = 0; i < options->name_count; i++) {
      const char *wanted = options->names[i];
      if (strcasecmp(wanted, name) == 0 || strcasecmp(wanted, group) == 0)
         return true;
      if (strncasecmp(wanted, group, group_length) == 0 && wanted[group_length] == '/' &&
          strcasecmp(wanted + group_length + 1, name) == 0)
         return true;
   }
   return false;
}

void
bench_format_size(uint64_t bytes, char *out, size_t size)
{
   static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
   unsigned unit = 0;
   double value = (double)bytes;
   while (value >= 1024.0 && unit < 3) {
      value /= 1024.0;
      unit++;
   }
   if (value == (double)(uint64_t)value)
      snprintf(out, size, "%" PRIu64 " %s", (uint64_t)value, units[unit]);
   else
      snprintf(out, size, "%.1f %s", value, units[unit]);
}
