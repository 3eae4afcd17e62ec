#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Start-up cost of Kronos (issue 16): whole processes of tools/kronos-startup (instance, device,
# one small dispatch, teardown) on the vendor directly and through Kronos over it, alternating
# (which goes first alternates too), RUNS of each; prints every run, the medians and Kronos's
# extra time per process. Then each phase (instance create, device create, the dispatch, device
# destroy, instance destroy) as a process pays it (kronos-startup --times, median of RUNS
# processes a side), directly, through Kronos, through Kronos with every optimization off
# (KRONOS_DISABLE=all) and with each optimization off alone (which one costs what); then the same
# phases repeated in one process (kronos-startup --phases 20: first round and later ones).
# The vendor: tools/vendor-manifest.sh's (KRONOS_VENDOR_ICD, else NVIDIA_ICD, else NVIDIA's or
# lavapipe's manifest). With LIMIT_MS, exits 1 when Kronos's median exceeds the direct one by
# more than that.
#   tools/startup-bench.sh BUILD [RUNS [LIMIT_MS]]
#   on the GPU machine: source .gl/on-device; tools/startup-bench.sh build-gpu 20 10
# With OUT set, the report also goes to $OUT/startup.txt. KRONOS_MANIFEST times another Kronos
# build's driver (an older one, say) with BUILD's program.
set -euo pipefail
build=$(cd "${1:?usage: startup-bench.sh BUILD [RUNS [LIMIT_MS]]}" && pwd)
runs=${2:-10}
limit=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
program=$build/tools/kronos-startup
kronos=${KRONOS_MANIFEST:-$build/icd/kronos_icd.x86_64.json}
vendor=$("$here/vendor-manifest.sh")
[ -x "$program" ] || { echo "no $program: build it first (ninja -C $1)" >&2; exit 2; }

if [ -n "${OUT:-}" ]; then
  exec > >(tee "$OUT/startup.txt") 2>&1
fi

# Implicit layers (Mesa's device-select, Steam's) would add the same time to both sides, and
# noise. Kronos's settings come from the caller's environment otherwise (KRONOS_DISABLE...).
export VK_LOADER_LAYERS_DISABLE='~implicit~'
unset KRONOS_LOG

direct() { VK_DRIVER_FILES=$vendor "$@"; }
through_kronos() { VK_DRIVER_FILES=$kronos KRONOS_VENDOR_ICD=$vendor "$@"; }

# One process's wall time and CPU time (user + system), in ms: "WALL CPU". The CPU time is
# what to compare on a machine shared with other work, where wall times wander.
time_ms() { # side
  local TIMEFORMAT='%3R %3U %3S' t
  t=$( { time "$1" "$program" >/dev/null 2>&1; } 2>&1 ) ||
    { echo "kronos-startup failed ($1): run it alone to see why" >&2; exit 1; }
  awk '{printf "%.1f %.1f", $1 * 1000, ($2 + $3) * 1000}' <<<"$t"
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "vendor: $vendor"
echo "kronos: $kronos"
echo "cpus: $(nproc)"
echo "KRONOS_DISABLE: ${KRONOS_DISABLE:-}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
# One of each first, untimed: the page cache holds the libraries for both sides alike.
direct "$program" >/dev/null
through_kronos "$program" >/dev/null

direct_wall=() direct_cpu=() kronos_wall=() kronos_cpu=()
echo
echo "whole processes (ms), alternating:"
printf '%4s %12s %12s %12s %12s\n' run "direct wall" "kronos wall" "direct cpu" "kronos cpu"
for ((i = 1; i <= runs; i++)); do
  if ((i % 2)); then
    read -r dw dc <<<"$(time_ms direct)"
    read -r kw kc <<<"$(time_ms through_kronos)"
  else
    read -r kw kc <<<"$(time_ms through_kronos)"
    read -r dw dc <<<"$(time_ms direct)"
  fi
  direct_wall+=("$dw") direct_cpu+=("$dc") kronos_wall+=("$kw") kronos_cpu+=("$kc")
  printf '%4d %12s %12s %12s %12s\n' "$i" "$dw" "$kw" "$dc" "$kc"
done
mdw=$(printf '%s\n' "${direct_wall[@]}" | median)
mkw=$(printf '%s\n' "${kronos_wall[@]}" | median)
mdc=$(printf '%s\n' "${direct_cpu[@]}" | median)
mkc=$(printf '%s\n' "${kronos_cpu[@]}" | median)
diff=$(awk -v a="$mkw" -v b="$mdw" 'BEGIN {printf "%.1f", a - b}')
cpu_diff=$(awk -v a="$mkc" -v b="$mdc" 'BEGIN {printf "%.1f", a - b}')
echo "median wall: direct $mdw ms, kronos $mkw ms: kronos - direct $diff ms per process"
echo "median cpu:  direct $mdc ms, kronos $mkc ms: kronos - direct $cpu_diff ms per process"
echo "($runs runs each; the load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

# Each phase of a process's one round (kronos-startup --times), median of RUNS processes a side:
# what a process pays for each, Kronos's library and vendor load included in instance create.
# phase_medians: the medians of each column of kronos-startup --times lines, after a label.
phase_medians() { # label, file
  awk -v label="$1" '
    { for (p = 1; p <= 5; p++) v[p, NR] = $p; n = NR }
    END {
      printf "%-34s", label
      for (p = 1; p <= 5; p++) {
        for (i = 1; i <= n; i++) a[i] = v[p, i]
        for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        printf " %11.2f", (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      printf "\n"
    }' "$2"
}
# A side: "direct", or "kronos" with what KRONOS_DISABLE turns off after the colon (nothing,
# everything, or one optimization at a time: which one a phase's extra time belongs to).
run_side() { # side, arguments...
  local side=$1
  shift
  if [ "$side" = direct ]; then
    direct "$@"
  else
    KRONOS_DISABLE=${side#kronos:} through_kronos "$@"
  fi
}
side_label() {
  case $1 in
    direct) echo direct ;;
    kronos:) echo "through Kronos" ;;
    *) echo "Kronos, KRONOS_DISABLE=${1#kronos:}" ;;
  esac
}
sides=(direct kronos: kronos:all kronos:pool kronos:batch kronos:descriptor kronos:barrier)
phase_dir=$(mktemp -d)
trap 'rm -rf "$phase_dir"' EXIT
for ((i = 0; i < runs; i++)); do
  for ((j = 0; j < ${#sides[@]}; j++)); do # each side first in turn
    side=${sides[(i + j) % ${#sides[@]}]}
    run_side "$side" "$program" --times >> "$phase_dir/${side/:/-}" ||
      { echo "kronos-startup --times failed ($side)" >&2; exit 1; }
  done
done
echo
echo "each phase of a process (its one round), median of $runs processes a side, alternating (ms):"
printf '%-34s %11s %11s %11s %11s %11s\n' "" "instance" "device" "dispatch" "device" "instance"
printf '%-34s %11s %11s %11s %11s %11s\n' "" "create" "create" "" "destroy" "destroy"
for side in "${sides[@]}"; do
  phase_medians "$(side_label "$side")" "$phase_dir/${side/:/-}"
done

echo
echo "in one process, 20 rounds, direct:"
direct "$program" --phases 20
echo
echo "in one process, 20 rounds, through Kronos:"
through_kronos "$program" --phases 20
echo
echo "in one process, 20 rounds, through Kronos with KRONOS_DISABLE=all:"
KRONOS_DISABLE=all through_kronos "$program" --phases 20

if [ -n "$limit" ]; then
  if awk -v d="$diff" -v l="$limit" 'BEGIN {exit !(d > l)}'; then
    echo "FAIL: Kronos adds $diff ms of wall time per process (limit $limit ms)"
    exit 1
  fi
  echo "PASS: Kronos adds $diff ms of wall time per process (limit $limit ms)"
fi
