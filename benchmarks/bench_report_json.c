/* SPDX-License-Identifier: MIT */
#include "bench_report.h"

#include <errno.h>
#include <string.h>

#include "bench_json.h"

#define BENCH_JSON_SCHEMA "kronos-bench/1"

static void
device_info(struct bench_json *j, const char *key, const struct bench_device_info *d)
{
   char version[32];
   bench_json_object_begin(j, key);
   bench_json_string(j, "name", d->name);
   bench_json_string(j, "driver_name", d->driver_name);
   bench_json_string(j, "driver_info", d->driver_info);
   bench_json_string(j, "driver_version", d->driver_version);
   bench_json_uint(j, "driver_version_raw", d->driver_version_raw);
   bench_json_uint(j, "driver_id", d->driver_id);
   snprintf(version, sizeof(version), "%u.%u.%u", VK_API_VERSION_MAJOR(d->api_version),
            VK_API_VERSION_MINOR(d->api_version), VK_API_VERSION_PATCH(d->api_version));
   bench_json_string(j, "api_version", version);
   bench_json_uint(j, "vendor_id", d->vendor_id);
   bench_json_uint(j, "device_id", d->device_id);
   bench_json_string(j, "device_uuid", d->uuid);
   bench_json_number(j, "timestamp_period_ns", d->timestamp_period_ns);
   bench_json_uint(j, "timestamp_valid_bits", d->timestamp_valid_bits);
   bench_json_object_end(j);
}

static void
options_info(struct bench_json *j, const struct bench_options *o)
{
   bench_json_object_begin(j, "options");
   bench_json_bool(j, "quick", o->quick);
   bench_json_array_begin(j, "rows");
   for (uint32_t i = 0; i < o->name_count; i++)
      bench_json_string(j, NULL, o->names[i]);
   bench_json_array_end(j);
   bench_json_array_begin(j, "sizes_bytes");
   for (uint32_t i = 0; i < o->size_count; i++)
      bench_json_uint(j, NULL, o->sizes[i]);
   bench_json_array_end(j);
   bench_json_array_begin(j, "batches");
   for (uint32_t i = 0; i < o->batch_count; i++)
      bench_json_uint(j, NULL, o->batches[i]);
   bench_json_array_end(j);
   bench_json_uint(j, "reps", o->reps);
   bench_json_uint(j, "warmups", o->warmups);
   bench_json_number(j, "min_measure_ms", o->min_measure_ms);
   bench_json_number(j, "max_row_seconds", o->max_row_s);
   bench_json_uint(j, "max_iterations", o->max_iterations);
   bench_json_uint(j, "seed", o->seed);
   bench_json_bool(j, "expect_passthrough",
                   (o->expect_passthrough & BENCH_PASSTHROUGH_ALL) == BENCH_PASSTHROUGH_ALL);
   bench_json_bool(j, "expect_drop_all", o->expect_passthrough & BENCH_DROP_ALL);
   bench_json_array_begin(j, "expect_passthrough_of"); /* optimizations expected off */
   static const char *const names[] = {"pool", "batch", "barrier", "descriptor"};
   _Static_assert(BENCH_PASSTHROUGH_ALL == (1u << 4) - 1, "one name per bench_passthrough bit");
   for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      if (o->expect_passthrough & (1u << i))
         bench_json_string(j, NULL, names[i]);
   }
   bench_json_array_end(j);
   bench_json_array_begin(j, "argv");
   for (int i = 0; i < o->argc; i++)
      bench_json_string(j, NULL, o->argv[i]);
   bench_json_array_end(j);
   bench_json_object_end(j);
}

static void
side_info(struct bench_json *j, const char *key, const struct bench_row *row,
          enum bench_side side)
{
   const struct bench_side_result *r = &row->m.side[side];
   bench_json_object_begin(j, key);
   bench_json_number(j, "wall_us", r->median.wall_us);
   bench_json_number(j, "record_us", r->median.record_us);
   bench_json_number(j, "submit_us_per_submit", r->median.submit_us);
   bench_json_number(j, "record_submit_us", r->median.record_submit_us);
   bench_json_number(j, "gpu_us", r->median.gpu_us);
   bench_json_number(j, "dispatch_gpu_us", r->median.dispatch_gpu_us);
   bench_json_number(j, "process_cpu_us", r->median.cpu_us);
   bench_json_number(j, "latency_us", r->median.latency_us);
   bench_json_number(j, "gb_per_s", bench_row_gbps(row, side));
   bench_json_number(j, "gflop_per_s", bench_row_gflops(row, side));
   bench_json_uint(j, "units_per_measurement", r->units);
   bench_json_uint(j, "submits_per_measurement", r->submits);
   bench_json_number(j, "first_measurement_us", r->first_wall_ns / 1e3);
   bench_json_object_begin(j, "samples");
#define SAMPLES(field)                                                                            \
   do {                                                                                           \
      bench_json_array_begin(j, #field);                                                          \
      for (uint32_t i = 0; i < row->m.reps; i++)                                                  \
         bench_json_number(j, NULL, r->samples[i].field);                                         \
      bench_json_array_end(j);                                                                    \
   } while (0)
   SAMPLES(wall_us);
   SAMPLES(record_us);
   SAMPLES(submit_us);
   SAMPLES(record_submit_us);
   SAMPLES(gpu_us);
   SAMPLES(dispatch_gpu_us);
   SAMPLES(cpu_us);
   SAMPLES(latency_us);
#undef SAMPLES
   bench_json_object_end(j);
   bench_json_object_end(j);
}

static void
check_value(struct bench_json *j, const char *key, enum bench_check check)
{
   const char *name = bench_check_name(check);
   if (name)
      bench_json_string(j, key, name);
   else
      bench_json_null(j, key);
}

static void
counters_info(struct bench_json *j, const struct bench_row *row)
{
   const VkKronosDeviceStatistics *d = &row->m.delta;
   bench_json_object_begin(j, "counters");
   bench_json_string(j, "source", "vkGetDeviceStatisticsKRONOS, Kronos device, measured reps");
   bench_json_number(j, "descriptor_writes_per_dispatch",
                     row->counters.descriptor_writes_per_dispatch);
   bench_json_number(j, "app_descriptor_writes_per_dispatch",
                     row->counters.app_descriptor_writes_per_dispatch);
   bench_json_number(j, "barriers_per_dispatch", row->counters.barriers_per_dispatch);
   bench_json_number(j, "vendor_submits_per_app_submit",
                     row->counters.vendor_submits_per_app_submit);
   bench_json_number(j, "app_submits_per_vendor_submit",
                     row->counters.app_submits_per_vendor_submit);
   bench_json_uint(j, "vendor_allocations", row->counters.vendor_allocations);
   bench_json_object_begin(j, "delta");
   bench_json_uint(j, "app_allocations", d->app_allocations);
   bench_json_uint(j, "vendor_allocations", d->vendor_allocations);
   bench_json_uint(j, "app_frees", d->app_frees);
   bench_json_uint(j, "vendor_frees", d->vendor_frees);
   bench_json_uint(j, "app_submits", d->app_submits);
   bench_json_uint(j, "vendor_submits", d->vendor_submits);
   bench_json_uint(j, "app_barriers", d->app_barriers);
   bench_json_uint(j, "vendor_barriers", d->vendor_barriers);
   bench_json_uint(j, "app_dispatches", d->app_dispatches);
   bench_json_uint(j, "vendor_dispatches", d->vendor_dispatches);
   bench_json_uint(j, "app_descriptor_writes", d->app_descriptor_writes);
   bench_json_uint(j, "vendor_descriptor_writes", d->vendor_descriptor_writes);
   bench_json_uint(j, "batches_flushed_full", d->batches_flushed[KRONOS_FLUSH_FULL]);
   bench_json_uint(j, "batches_flushed_observed", d->batches_flushed[KRONOS_FLUSH_OBSERVED]);
   bench_json_uint(j, "batches_flushed_timeout", d->batches_flushed[KRONOS_FLUSH_TIMEOUT]);
   bench_json_uint(j, "batches_flushed_idle", d->batches_flushed[KRONOS_FLUSH_IDLE]);
   bench_json_uint(j, "pool_bytes_reserved_after", d->pool_bytes_reserved);
   bench_json_uint(j, "pool_bytes_in_use_after", d->pool_bytes_in_use);
   bench_json_uint(j, "barriers_dropped", d->barriers_dropped);
   bench_json_uint(j, "barriers_merged", d->barriers_merged);
   bench_json_uint(j, "barrier_events_replayed", d->barrier_events_replayed);
   bench_json_uint(j, "barrier_replays_diverged", d->barrier_replays_diverged);
   bench_json_uint(j, "barrier_dispatches_unexamined", d->barrier_dispatches_unexamined);
   bench_json_object_begin(j, "barriers_emitted"); /* by enum kronos_barrier_reason */
   static const char *const reasons[] = {
      [KRONOS_BARRIER_HAZARD] = "hazard",
      [KRONOS_BARRIER_END] = "end",
      [KRONOS_BARRIER_NOT_UNDERSTOOD] = "not_understood",
      [KRONOS_BARRIER_EVENT] = "event",
      [KRONOS_BARRIER_SECONDARY] = "secondary",
      [KRONOS_BARRIER_QUERY] = "query",
      [KRONOS_BARRIER_UNKNOWN_ACCESS] = "unknown_access",
      [KRONOS_BARRIER_OTHER_COMMAND] = "other_command",
   };
   _Static_assert(sizeof(reasons) / sizeof(reasons[0]) == KRONOS_BARRIER_REASON_COUNT,
                  "one name per barrier reason");
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
      bench_json_uint(j, reasons[i], d->barriers_emitted[i]);
   bench_json_object_end(j);
   bench_json_object_end(j);
   bench_json_number(j, "app_barriers_per_dispatch", row->counters.app_barriers_per_dispatch);
   if (row->barrier_expect.known) {
      /* the benchmark's model of the policy, per command buffer (bench_barrier_model.h) */
      const struct bench_barrier_expect *e = &row->barrier_expect;
      bench_json_object_begin(j, "barrier_expectation");
      bench_json_uint(j, "app_barriers_per_submit", e->app_per_submit);
      bench_json_uint(j, "hazards_per_submit", e->hazards_per_submit);
      bench_json_uint(j, "ends_per_submit", e->ends_per_submit);
      bench_json_uint(j, "vendor_barriers_per_submit_policy_on", bench_barrier_expect_vendor(e));
      bench_json_object_end(j);
   }
   check_value(j, "check", row->counters_check);
   bench_json_string(j, "check_why", row->counters_why);
   bench_json_object_end(j);
}

static void
row_info(struct bench_json *j, const struct bench_row *row)
{
   static const char *const statuses[] = {"ok", "failed", "skipped"};
   char check[48];
   bench_json_object_begin(j, NULL);
   bench_json_string(j, "group", row->group);
   bench_json_string(j, "name", row->name);
   bench_json_string(j, "size", row->size_label);
   bench_json_uint(j, "size_bytes", row->size_bytes);
   bench_json_uint(j, "batch", row->batch);
   bench_json_uint(j, "dispatches_per_submit", row->dispatches_per_submit);
   bench_json_uint(j, "submits_per_unit", row->submits_per_unit);
   bench_json_string(j, "unit", row->unit);
   bench_json_string(j, "status", statuses[row->status]);
   bench_json_string(j, "message", row->message);
   bench_format_check(row, check, sizeof(check));
   bench_json_string(j, "check", check);
   bench_json_bool(j, "passed", bench_row_passed(row));
   if (row->measured) {
      bench_json_uint(j, "iterations", row->m.iterations);
      bench_json_uint(j, "warmups", row->m.warmups);
      bench_json_uint(j, "reps", row->m.reps);
      bench_json_bool(j, "reps_reduced", row->m.reps_reduced);
      bench_json_number(j, "bytes_per_unit", row->bytes_per_unit);
      bench_json_number(j, "flops_per_unit", row->flops_per_unit);
      side_info(j, "direct", row, BENCH_DIRECT);
      side_info(j, "kronos", row, BENCH_KRONOS);
      const struct bench_figures *d = &row->m.side[BENCH_DIRECT].median;
      const struct bench_figures *k = &row->m.side[BENCH_KRONOS].median;
      bench_json_object_begin(j, "ratio");
      bench_json_number(j, "wall", bench_ratio(k->wall_us, d->wall_us));
      bench_json_number(j, "record", bench_ratio(k->record_us, d->record_us));
      bench_json_number(j, "submit", bench_ratio(k->submit_us, d->submit_us));
      bench_json_number(j, "gpu", bench_ratio(k->gpu_us, d->gpu_us));
      bench_json_number(j, "process_cpu", bench_ratio(k->cpu_us, d->cpu_us));
      bench_json_number(j, "latency", bench_ratio(k->latency_us, d->latency_us));
      bench_json_object_end(j);
      counters_info(j, row);
   }
   check_value(j, "verify", row->verify);
   check_value(j, "outputs_equal", row->outputs_equal);
   bench_json_string(j, "verify_why", row->verify_why);
   bench_json_object_end(j);
}

bool
bench_report_json(const char *path, const struct bench_results *results,
                  const struct bench_options *options)
{
   FILE *file = fopen(path, "w");
   if (!file) {
      kt_error("cannot write %s: %s", path, strerror(errno));
      return false;
   }
   struct bench_json j;
   bench_json_init(&j, file);
   bench_json_object_begin(&j, NULL);
   bench_json_string(&j, "schema", BENCH_JSON_SCHEMA);
   bench_json_string(&j, "date", results->date);
   bench_json_number(&j, "duration_s", results->duration_s);
   bench_json_string(&j, "card", results->device[BENCH_DIRECT].name);
   device_info(&j, "vendor", &results->device[BENCH_DIRECT]);
   device_info(&j, "kronos", &results->device[BENCH_KRONOS]);
   options_info(&j, options);
   size_t failures = bench_results_failures(results);
   bench_json_bool(&j, "passed", failures == 0);
   bench_json_uint(&j, "failed_rows", failures);
   struct bench_barrier_summary barriers;
   if (bench_barrier_summary(results, &barriers)) {
      /* chain-barriers (through Kronos, and directly) over chain-nobarriers directly */
      bench_json_object_begin(&j, "barrier_cost");
      bench_json_number(&j, "kronos_chain_barriers_over_direct_chain_nobarriers_wall",
                        barriers.kronos_wall);
      bench_json_number(&j, "kronos_chain_barriers_over_direct_chain_nobarriers_gpu",
                        barriers.kronos_gpu);
      bench_json_number(&j, "direct_chain_barriers_over_direct_chain_nobarriers_wall",
                        barriers.direct_wall);
      bench_json_number(&j, "direct_chain_barriers_over_direct_chain_nobarriers_gpu",
                        barriers.direct_gpu);
      bench_json_object_end(&j);
   }
   bench_json_array_begin(&j, "rows");
   for (size_t i = 0; i < results->count; i++)
      row_info(&j, &results->rows[i]);
   bench_json_array_end(&j);
   bench_json_object_end(&j);
   bool ok = !ferror(file);
   if (fclose(file) != 0)
      ok = false;
   if (!ok)
      kt_error("writing %s failed", path);
   return ok;
}
