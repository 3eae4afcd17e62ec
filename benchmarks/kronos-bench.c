/* SPDX-License-Identifier: MIT */
/* kronos-bench: compute workloads and micro rows on a vendor's Vulkan device directly and on
 * Kronos over the same vendor, side by side in one process (see --help and bench_*.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bench_device_info.h"
#include "bench_exit.h"
#include "bench_micro.h"
#include "bench_plot.h"
#include "bench_report.h"
#include "bench_session.h"
#include "bench_submit_rows.h"
#include "bench_time.h"
#include "bench_workload_rows.h"

/* A group, a row of `group` (NULL: of any group), or GROUP/NAME. */
static bool
known_name(const char *name, const char *group)
{
   static const char *const groups[] = {"workloads", "micro", BENCH_SUBMIT_GROUP};
   static bool (*const is_row[])(const char *) = {bench_is_workload, bench_is_micro,
                                                   bench_is_submit_row};
   for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
      size_t length = strlen(groups[g]);
      if (group && strcasecmp(group, groups[g]) != 0)
         continue;
      if (!group && strcasecmp(name, groups[g]) == 0)
         return true;
      if (!group && strncasecmp(name, groups[g], length) == 0 && name[length] == '/')
         return known_name(name + length + 1, groups[g]);
      if (is_row[g](name))
         return true;
   }
   return false;
}

static bool
check_names(const struct bench_options *options)
{
   bool ok = true;
   for (uint32_t i = 0; i < options->name_count; i++) {
      const char *name = options->names[i];
      if (!known_name(name, NULL)) {
         kt_error("--workload: no row called '%s' (see --help)", name);
         ok = false;
      }
   }
   return ok;
}

/* mkdir -p */
static bool
make_directory(const char *path)
{
   char buffer[4096];
   if (snprintf(buffer, sizeof(buffer), "%s", path) >= (int)sizeof(buffer)) {
      kt_error("--out: path too long");
      return false;
   }
   for (char *p = buffer + 1; ; p++) {
      if (*p == '/' || *p == '\0') {
         char saved = *p;
         *p = '\0';
         if (mkdir(buffer, 0777) != 0 && errno != EEXIST) {
            kt_error("cannot create %s: %s", buffer, strerror(errno));
            return false;
         }
         *p = saved;
         if (saved == '\0')
            break;
      }
   }
   return true;
}

static void
explain_missing_pair(void)
{
   fprintf(stderr,
      "kronos-bench: needs a Kronos device and the vendor device it runs on, both visible:\n"
      "  VK_DRIVER_FILES=<vendor manifest>:<build>/icd/kronos_icd.x86_64.json\n"
      "  KRONOS_VENDOR_ICD=<vendor manifest>\n"
      "e.g. lavapipe's manifest: /usr/share/vulkan/icd.d/lvp_icd.x86_64.json\n");
}

static void
list_pairs(const struct kt_device_pair *pairs, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      const struct kt_physical_device *k = pairs[i].kronos, *v = pairs[i].vendor;
      printf("%s | %s | %s %s\n", k->properties.deviceName,
             v ? v->properties.deviceName : "(vendor device not visible)",
             v ? kt_physical_device_driver_name(v) : "-", v && v->has_driver
                                                             ? v->driver.driverInfo
                                                             : "");
   }
}

static bool
write_outputs(const struct bench_options *options, const struct bench_results *results)
{
   char json[4200], markdown[4200], png[4200];
   if (!make_directory(options->out_dir))
      return false;
   snprintf(json, sizeof(json), "%s/bench.json", options->out_dir);
   snprintf(markdown, sizeof(markdown), "%s/summary.md", options->out_dir);
   snprintf(png, sizeof(png), "%s/bench.png", options->out_dir);
   bool ok = bench_report_json(json, results, options);
   ok = bench_report_markdown(markdown, results, options) && ok;
   printf("wrote %s and %s\n", json, markdown);
   if (ok && options->plot && bench_plot(options->plot_script, json, png))
      printf("wrote %s\n", png);
   return ok;
}

static void
make_plan(const struct bench_options *options, struct bench_plan *plan)
{
   *plan = (struct bench_plan){
      .warmups = options->warmups,
      .reps = options->reps,
      .min_measure_ns = options->min_measure_ms * 1e6,
      .max_iterations = options->max_iterations,
      .max_row_ns = options->max_row_s * 1e9,
   };
}

/* Runs every selected row on the pair; returns the exit status. */
static int
run_pair(const struct bench_options *options, const struct kt_device_pair *pair)
{
   struct bench_session session = {.options = options};
   struct bench_results results = {0};
   int exit_code = BENCH_EXIT_FAIL;
   uint64_t start = bench_wall_ns();
   session.results = &results;
   make_plan(options, &session.plan);
   bench_utc_date(results.date, sizeof(results.date));

   /* Cooperative matrices (gemm-coopmat) only without the validation layer, which cannot check
    * them (kt_device_create_with). */
   bool matrix = !options->validation;
   if (kt_device_create_with(pair->vendor, 1, matrix, &session.devices[BENCH_DIRECT]) !=
          VK_SUCCESS ||
       kt_device_create_with(pair->kronos, 1, matrix, &session.devices[BENCH_KRONOS]) !=
          VK_SUCCESS ||
       bench_stats_init(&session.devices[BENCH_KRONOS], &session.stats) != VK_SUCCESS)
      goto cleanup;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      bench_device_info_fill(&session.devices[s], &results.device[s]);
   fprintf(stderr, "kronos-bench: direct: %s (%s %s); through: %s\n",
           results.device[BENCH_DIRECT].name, results.device[BENCH_DIRECT].driver_name,
           results.device[BENCH_DIRECT].driver_version, results.device[BENCH_KRONOS].name);

   session.rows_total = bench_workload_row_count(options) + bench_micro_row_count(options) +
                        bench_submit_row_count(options);
   if (!bench_run_workload_rows(&session) || !bench_run_micro_rows(&session) ||
       !bench_run_submit_rows(&session))
      goto cleanup;
   results.duration_s = (double)(bench_wall_ns() - start) / 1e9;

   bench_report_table(stdout, &results);
   bool written = !options->out_dir || write_outputs(options, &results);
   exit_code = bench_results_failures(&results) == 0 && written ? BENCH_EXIT_PASS
                                                                : BENCH_EXIT_FAIL;

cleanup:
   kt_device_destroy(&session.devices[BENCH_KRONOS]);
   kt_device_destroy(&session.devices[BENCH_DIRECT]);
   bench_results_free(&results);
   return exit_code;
}

int
main(int argc, char **argv)
{
   struct bench_options options;
   int exit_code = bench_options_parse(argc, argv, &options);
   if (exit_code >= 0)
      return exit_code;
   if (!check_names(&options))
      return BENCH_EXIT_SETUP;

   struct kt_system system = {0};
   bool had_instance = false;
   exit_code = BENCH_EXIT_FAIL;

   if (kt_system_create("kronos-bench", options.validation, options.sync_validation,
                        &system) != VK_SUCCESS)
      goto cleanup;
   /* The pair to measure: the first whose vendor device matches --device. */
   const struct kt_device_pair *pair = kt_system_find_pair(&system, options.device_filter);
   if (options.list_devices) {
      list_pairs(system.pairs, system.pair_count);
      exit_code = pair ? BENCH_EXIT_PASS : BENCH_EXIT_SETUP;
      goto cleanup;
   }
   if (!pair) {
      if (system.pair_count == 0)
         kt_error("no Kronos device is visible (%u other device(s))", system.device_count);
      else
         kt_error("no Kronos device whose vendor device is visible%s%s%s",
                  options.device_filter ? " and named like '" : "",
                  options.device_filter ? options.device_filter : "",
                  options.device_filter ? "'" : "");
      explain_missing_pair();
      exit_code = BENCH_EXIT_SETUP;
      goto cleanup;
   }
   exit_code = run_pair(&options, pair);

cleanup:
   /* Counted after destruction: the layer reports leaked objects there. */
   had_instance = system.instance != NULL;
   unsigned validation_errors = kt_system_destroy(&system);
   if (options.validation && had_instance) {
      fprintf(stderr, "kronos-bench: validation errors: %u\n", validation_errors);
      if (validation_errors && exit_code == BENCH_EXIT_PASS)
         exit_code = BENCH_EXIT_FAIL;
   }
   return exit_code;
}
