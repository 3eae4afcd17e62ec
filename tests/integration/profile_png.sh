#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/profile_png.py (issue 13) on a real trace: PROGRAM run with kronos-run --profile over
# lavapipe, then its trace drawn: a non-empty PNG. A file that is not a Kronos trace is refused
# with a message. Skipped (77) where no Python has matplotlib.
# Usage: profile_png.sh KRONOS_RUN PROGRAM TOOLS_DIR
set -euo pipefail
run=$1 program=$2 tools=$3
if ! python3 -c 'import matplotlib' 2>/dev/null &&
   ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  echo "SKIP: matplotlib is missing (Debian: apt-get install python3-matplotlib)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unset KRONOS_PROFILE KRONOS_PROFILE_SUMMARY
"$run" --vendor lvp --profile "$dir/trace.json" -- "$program" >"$dir/out" 2>&1 ||
  { cat "$dir/out"; echo "FAIL: the program exited with an error"; exit 1; }
python3 "$tools/profile_png.py" "$dir/trace.json" "$dir/trace.png"
[ -s "$dir/trace.png" ] || { echo "FAIL: no PNG"; exit 1; }
[ "$(head -c 8 "$dir/trace.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  { echo "FAIL: not a PNG"; exit 1; }
echo '{"traceEvents": [' > "$dir/bad.json"
if python3 "$tools/profile_png.py" "$dir/bad.json" "$dir/bad.png" 2>"$dir/err"; then
  echo "FAIL: a truncated trace was drawn"
  exit 1
fi
grep -q "profile_png.py: .*bad.json: not JSON" "$dir/err" ||
  { cat "$dir/err"; echo "FAIL: no clear error for a truncated trace"; exit 1; }
[ ! -e "$dir/bad.png" ] || { echo "FAIL: a PNG for a truncated trace"; exit 1; }
echo "pass: $(stat -c %s "$dir/trace.png") bytes of PNG"
