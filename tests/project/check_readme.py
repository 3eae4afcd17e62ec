#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README keeps its promises: it starts with the two commands (which exist and are
executable), and it documents every KRONOS_* setting the driver reads."""
import os
import re
import sys

root = sys.argv[1]
readme = open(os.path.join(root, "README.md")).read()
failures = []

first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
if not first_block or readme.index("```sh") > readme.index("## "):
    failures.append("the README does not start with a shell block of commands")
else:
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    commands = [c for c in commands if c]
    if len(commands) != 2:
        failures.append(f"expected the two commands (main job, tests), found {commands}")
    for c in commands:
        path = os.path.join(root, c.split()[0])
        if not os.access(path, os.X_OK):
            failures.append(f"README command {c!r} is not an executable file")

settings = set()
for name in os.listdir(os.path.join(root, "src")):
    if name.endswith((".c", ".h")):
        settings |= set(re.findall(r'"(KRONOS_[A-Z_]+)"', open(os.path.join(root, "src", name)).read()))
for name in os.listdir(os.path.join(root, "include", "kronos")):
    settings |= set(re.findall(r'"(KRONOS_[A-Z_]+)"', open(os.path.join(root, "include", "kronos", name)).read()))
if not settings:
    failures.append("found no KRONOS_* settings in the sources (the check is broken)")
for s in sorted(settings):
    if f"`{s}`" not in readme:
        failures.append(f"setting {s} is not documented in the README")

for f in failures:
    print("FAIL:", f)
print(f"checked {len(settings)} settings: {', '.join(sorted(settings))}")
sys.exit(1 if failures else 0)
