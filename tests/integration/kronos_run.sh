#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kronos-run (issue 13): --list shows lavapipe with its device as the default where no driver
# shows a GPU; a program runs on Kronos over the vendor chosen by name, with nothing set in the
# environment (kronos-run sets VK_DRIVER_FILES and KRONOS_VENDOR_ICD itself); --stats and
# --disable reach Kronos; --profile writes a trace (JSON with GPU slices) and prints the table,
# --profile-summary the table alone; the program's exit status is kronos-run's; usage errors
# are said.
# Usage: kronos_run.sh KRONOS_RUN PROGRAM   (PROGRAM prints "pass" when its results are right)
set -u
run=$1
program=$2
status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unset VK_DRIVER_FILES VK_ICD_FILENAMES KRONOS_VENDOR_ICD KRONOS_DISABLE KRONOS_STATS \
  KRONOS_PROFILE KRONOS_PROFILE_SUMMARY

"$run" --list >"$dir/list" 2>&1 || fail "--list exited with $?"
grep -Eq "^\* lvp +/" "$dir/list" || [ "$(grep -c '^\*' "$dir/list")" = 1 ] ||
  fail "--list marks no default"
grep -Eq "GPU0: llvmpipe .*\(CPU\), Mesa" "$dir/list" || fail "--list shows no lavapipe device"

"$run" --vendor lavapipe --stats -- "$program" >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" = 0 ] || fail "the program over lavapipe exited with $rc: $(tail -3 "$dir/err")"
grep -q "^pass" "$dir/out" || fail "the program did not pass"
grep -q "statistics for Kronos (llvmpipe" "$dir/err" || fail "--stats printed no statistics"
grep -Eq "pool bytes reserved [1-9]" "$dir/err" || fail "the pool was not on by default"

"$run" --vendor lvp --disable all --stats -- "$program" >"$dir/out" 2>"$dir/err" ||
  fail "the program with --disable all exited with $?"
grep -q "pool bytes reserved 0," "$dir/err" || fail "--disable all left the pool on"
grep -q "allocations 3 / 3" "$dir/err" || fail "--disable all: not every allocation reached the vendor"

# A relative FILE names a file of kronos-run's directory (the program's may differ).
program_path=$(realpath "$program")
(cd "$dir" && "$run" --vendor lvp --profile trace.json -- "$program_path" >"$dir/out" 2>"$dir/err") ||
  fail "the program with --profile exited with $?: $(tail -3 "$dir/err")"
grep -q "^pass" "$dir/out" || fail "the program did not pass with --profile"
grep -q "median us" "$dir/err" || fail "--profile printed no per-kernel table"
python3 - "$dir/trace.json" <<'EOF' || fail "--profile: no trace with GPU slices in $dir/trace.json"
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
sys.exit(0 if any(e["ph"] == "X" and e["pid"] == 1 and e["dur"] >= 0 for e in events) else 1)
EOF
"$run" --vendor lvp --profile-summary -- "$program" >"$dir/out" 2>"$dir/err" ||
  fail "the program with --profile-summary exited with $?"
grep -q "median us" "$dir/err" || fail "--profile-summary printed no per-kernel table"

"$run" -- sh -c 'exit 7'
rc=$?
[ "$rc" = 7 ] || fail "the program's exit status 7 came back as $rc"

"$run" --vendor no-such-driver -- true 2>"$dir/err"
rc=$?
[ "$rc" = 2 ] && grep -q "no such driver here (found: .*lvp" "$dir/err" ||
  fail "an unknown vendor: status $rc, $(cat "$dir/err")"
"$run" -- "$dir/no-such-program" 2>"$dir/err"
rc=$?
[ "$rc" = 127 ] && grep -q "cannot run" "$dir/err" ||
  fail "a missing program: status $rc, $(cat "$dir/err")"
"$run" --disable pools -- true 2>/dev/null
[ $? = 2 ] || fail "--disable pools (not a name) was accepted"
exit $status
