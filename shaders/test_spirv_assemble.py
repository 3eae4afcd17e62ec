#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""spirv_assemble.py against glslc: each module, disassembled by spirv-dis and assembled again,
must pass spirv-val and disassemble to the same text (ids are numbered afresh: compared after
renaming every %id in order of first appearance)."""
import argparse
import re
import subprocess
import sys
import tempfile


def canonical(text):
    names = {}
    lines = []
    for line in text.splitlines():
        if line.startswith(";"):
            continue
        line = re.sub(r"%[\w.]+", lambda m: names.setdefault(m.group(0), f"%{len(names)}"), line)
        lines.append(" ".join(line.split()))  # spirv-dis aligns on the ids' widths
    return lines


def main():
    ap = argparse.ArgumentParser()
    for option in ("--assembler", "--grammar", "--spirv-dis", "--spirv-val"):
        ap.add_argument(option, required=True)
    ap.add_argument("modules", nargs="+")
    args = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for module in args.modules:
            text = subprocess.run([args.spirv_dis, "--raw-id", module], check=True,
                                  capture_output=True, text=True).stdout
            version = re.search(r"^; Version: (\d+\.\d+)", text, re.M).group(1)
            source, again = f"{tmp}/in.spvasm", f"{tmp}/out.spv"
            with open(source, "w") as f:
                f.write(text)
            subprocess.run([sys.executable, args.assembler, "--grammar", args.grammar,
                            "--version", version, source, again], check=True)
            valid = subprocess.run([args.spirv_val, "--target-env", "vulkan1.1", again])
            text_again = subprocess.run([args.spirv_dis, "--raw-id", again], check=True,
                                        capture_output=True, text=True).stdout
            same = canonical(text) == canonical(text_again)
            print(f"{module}: spirv-val {'ok' if valid.returncode == 0 else 'FAILED'}, "
                  f"{'same' if same else 'DIFFERENT'} instructions")
            failed += valid.returncode != 0 or not same
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
