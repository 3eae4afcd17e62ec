# SPDX-License-Identifier: MIT
"""What tools/cpu-per-dispatch.sh and tools/profile-cost-cpu.sh read from callgrind_annotate's
output: a run's instructions in all, Kronos's own instructions per function, and how many
dispatches went through Kronos."""
import re
import sys


def _count(text):
    return int(text.replace(',', ''))


def program_total(tree_path):
    """The run's instructions, all threads (callgrind_annotate's PROGRAM TOTALS line)."""
    for line in open(tree_path):
        m = re.match(r'\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+PROGRAM TOTALS', line)
        if m:
            return _count(m.group(1))
    sys.exit(f'{tree_path}: no program total')


def _is_kronos(function, library):
    return (library or '').endswith('libvulkan_kronos.so') or \
        (not library and '/src/kr_' in function)


def kronos_functions(self_path):
    """{function: self instructions} for Kronos's functions, from a listing of self costs; code
    inlined from Kronos's headers is named by file alone."""
    costs = {}
    for line in open(self_path):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(\S+)(?: \[(.*)\])?\s*$', line)
        if m and _is_kronos(m.group(2), m.group(3)):
            costs[m.group(2)] = _count(m.group(1))
    return costs


def kronos_function_events(self_path, events):
    """{function: [count per event]} for Kronos's functions, from a listing of self costs of
    several events without percentages (callgrind_annotate --show-percs=no --show=...); a
    count of zero is written '.'."""
    costs = {}
    number = r'([\d,]+|\.)'
    pattern = r'\s*' + r'\s+'.join([number] * events) + r'\s+(\S+)(?: \[(.*)\])?\s*$'
    for line in open(self_path):
        m = re.match(pattern, line)
        if m and _is_kronos(m.group(events + 1), m.group(events + 2)):
            costs[m.group(events + 1)] = [0 if c == '.' else _count(c)
                                          for c in m.groups()[:events]]
    return costs


def dispatches(tree_path):
    """The calls into kr_CmdDispatch, from a caller tree: the "< ... (Nx)" lines right above
    its "*" line."""
    calls, pending = 0, []
    for line in open(tree_path):
        if '<' in line:
            m = re.search(r'\(([\d,]+)x\)', line)
            pending.append(_count(m.group(1)) if m else 0)
        elif '*' in line:
            if re.search(r':kr_CmdDispatch(\s+\[.*\])?\s*$', line):
                calls += sum(pending)
            pending = []
        else:
            pending = []
    return calls
