#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The fault sweep (issue 12): a program through the loader and Kronos, with the fault driver
(tests/faultdrv) as Kronos's vendor, run once to count the vendor calls, then once per call
with that call failing (KRONOS_FAULT_FUNCTION, KRONOS_FAULT_NTH) with each error vk.xml lets
that function return; once per function and error with every call of it failing
(KRONOS_FAULT_TIMES=0); and once per function called (void ones included) with the vendor's
proc-addr answering NULL for it (KRONOS_FAULT_NULL).

With --host-alloc it sweeps the application's own VkAllocationCallbacks instead: the program,
run with counting callbacks (KRONOS_FAULT_HOST_ALLOC=count), says how many host allocations its
thread makes and which library asked for each (the loader, Kronos, or the vendor through Kronos);
then it runs once per allocation with that one refused (KRONOS_FAULT_HOST_ALLOC=N). Each must
report VK_ERROR_OUT_OF_HOST_MEMORY (or pass, absorbed) and free every block it was given (exit 4
if not). --loader-every K sweeps only every Kth of the loader's own allocations (the loader is
not Kronos's code, and makes nine in ten of them); Kronos's and the vendor's are all swept.

Every run must end within the timeout, without a signal or a sanitizer report (a leak
included), and either pass (exit 0: the results are right) or report an error (exit 1). Exit 2
(wrong results as success) and 3 (a wait timed out) fail. A run whose injected failure never
reached the application (exit 0 after the injection) is listed as absorbed (a probe of
Kronos's, a fallback); --strict fails it.

Usage: fault_sweep.py --program P --kronos-manifest K --faultdrv-manifest F
                      [--results R1,R2] [--max-calls N] [--jobs J] [--timeout S]
                      [--no-persistent] [--no-null] [--host-alloc [--loader-every K]]
--max-calls 0 (the default) sweeps every call; KRONOS_FAULT_SWEEP_MAX_CALLS overrides it (and
=0 also sweeps every one of the loader's host allocations).
--only FUNCTION[:NTH] reruns one case (add --verbose to see its line).
"""
import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time

PASS, ERROR, WRONG, TIMEOUT, LEAK = 0, 1, 2, 3, 4


def run_program(args, extra_env):
    env = dict(os.environ)
    env.update({
        "VK_DRIVER_FILES": args.kronos_manifest,
        "KRONOS_VENDOR_ICD": args.faultdrv_manifest,
        "VK_LOADER_LAYERS_DISABLE": "~implicit~",
    })
    env.update(extra_env)
    start = time.monotonic()
    try:
        proc = subprocess.run([args.program], env=env, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None, "", "", time.monotonic() - start
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


# Errors vk.xml lists that only a request the program does not make can earn (an external
# handle, a capture address, a compressed image; layers, which never reach a driver): answering
# them would test nothing real. Vendor suffixes are ignored (..._KHR is the same error).
CONDITIONAL = {
    "VK_ERROR_LAYER_NOT_PRESENT",
    "VK_ERROR_INVALID_EXTERNAL_HANDLE",
    "VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS",
    "VK_ERROR_INVALID_SHADER",
    "VK_ERROR_COMPRESSION_EXHAUSTED",
    "VK_ERROR_INVALID_DRM_FORMAT_MODIFIER_PLANE_LAYOUT",
}

# Without these, what the vendor made cannot be destroyed: a leak wholly inside the vendor is
# then unavoidable, and LeakSanitizer gets tests/lsan.supp (the vendor's own leaks) for them.
UNDESTROYABLE = {"vkDestroyInstance", "vkDestroyDevice"}
LSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lsan.supp")


def read_counts(path):
    """({function: (calls, [errors it may return])} of the VkResult functions called, [every
    function called])."""
    counts = {}
    names = []
    with open(path) as f:
        for line in f:
            name, count, kind, errors = line.split()
            names.append(name)
            if kind == "VkResult":
                counts[name] = (int(count), [] if errors == "-" else errors.split(","))
    return counts, names


def results_for(errors, wanted):
    """The results to inject into a function that may return errors: those of wanted ("spec":
    all but CONDITIONAL) it may return."""
    if wanted == ["spec"]:
        return [e for e in errors if re.sub(r"_(KHR|EXT|NV)$", "", e) not in CONDITIONAL]
    return [e for e in wanted if e in errors]


def choose(calls, limit):
    """Every call, or limit of them: each function's first and last call, then evenly spread."""
    if not limit or limit >= len(calls):
        return calls
    by_fn = collections.defaultdict(list)
    for c in calls:
        by_fn[c[0]].append(c)
    chosen = []
    for fn in sorted(by_fn):
        for c in (by_fn[fn][0], by_fn[fn][-1]):
            if c not in chosen:
                chosen.append(c)
    rest = [c for c in calls if c not in chosen]
    room = limit - len(chosen)
    if room > 0 and rest:
        step = len(rest) / room
        chosen += [rest[int(i * step)] for i in range(min(room, len(rest)))]
    key = {c: i for i, c in enumerate(calls)}
    return sorted(chosen, key=key.get)


def classify(rc, out, err, injected, fired):
    """(verdict, detail): verdict is ok, absorbed or FAIL; fired: whether the injection
    happened."""
    if rc is None:
        return "FAIL", "hang (timeout)"
    for marker in ("LeakSanitizer", "AddressSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:"):
        if marker in err:
            return "FAIL", "sanitizer: " + next(line for line in err.splitlines()
                                                if marker in line).strip()
    if rc < 0 or rc >= 128:
        return "FAIL", f"killed by signal {-rc if rc < 0 else rc - 128}"
    if rc == WRONG:
        return "FAIL", "wrong results: " + out.strip().splitlines()[-1]
    if rc == TIMEOUT:
        return "FAIL", "a wait timed out: " + out.strip().splitlines()[-1]
    if rc == LEAK:
        return "FAIL", next(line for line in out.splitlines() if line.startswith("leak:"))
    reported = next((line for line in out.splitlines() if line.startswith("error:")), "")
    if injected == "NULL":
        # A function the driver lacks: Kronos may do without it, or fail cleanly.
        if rc in (PASS, ERROR):
            return "ok", reported or "passed"
        return "FAIL", f"exit status {rc}"
    if rc == PASS:
        return ("absorbed", "passed after the injection") if fired else \
            ("ok", "not reached: passed")
    if rc == ERROR:
        if not fired:
            return "FAIL", "failed without the injection: " + reported
        if re.sub(r"_(KHR|EXT|NV)$", "", injected) not in reported:
            return "ok", "reported another result: " + reported
        return "ok", reported
    return "FAIL", f"exit status {rc}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--program", required=True)
    ap.add_argument("--kronos-manifest", required=True)
    ap.add_argument("--faultdrv-manifest", required=True)
    ap.add_argument("--results", default="spec",
                    help="results to inject, each where the function may return it; "
                         "spec (the default): every error vk.xml lists for the function")
    ap.add_argument("--max-calls", type=int, default=0, help="0: every call")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--strict", action="store_true", help="absorbed injections fail")
    ap.add_argument("--no-persistent", dest="persistent", action="store_false",
                    help="no runs with every call of a function failing")
    ap.add_argument("--no-null", dest="null", action="store_false",
                    help="no runs with a function answered NULL by the vendor's proc-addr")
    ap.add_argument("--verbose", action="store_true", help="a line for every run")
    ap.add_argument("--only", help="FUNCTION or FUNCTION:NTH: sweep only these calls "
                    "(with --host-alloc: N, that host allocation)")
    ap.add_argument("--host-alloc", action="store_true",
                    help="sweep the application's allocation callbacks instead")
    ap.add_argument("--loader-every", type=int, default=1,
                    help="with --host-alloc: refuse only every Kth of the loader's allocations")
    ap.add_argument("--vendor-alone", action="store_true",
                    help="with --host-alloc: also run the program on the vendor alone: a "
                    "failure when a vendor allocation is refused under Kronos is then the "
                    "vendor's where the vendor alone fails the same way in the same command")
    args = ap.parse_args()
    if os.environ.get("KRONOS_FAULT_SWEEP_MAX_CALLS"):
        args.max_calls = int(os.environ["KRONOS_FAULT_SWEEP_MAX_CALLS"])
        if args.max_calls == 0:
            args.loader_every = 1
    if args.host_alloc:
        return host_alloc_sweep(args)

    with tempfile.TemporaryDirectory() as tmp:
        counts_path = os.path.join(tmp, "counts")
        rc, out, err, seconds = run_program(args, {"KRONOS_FAULT_COUNTS": counts_path})
        if rc != PASS:
            print(f"FAIL: the counting run exited with {rc}\n{out}{err}")
            return 1
        counts, names = read_counts(counts_path)
    wanted = args.results.split(",")
    calls = [(fn, n) for fn in sorted(counts) for n in range(1, counts[fn][0] + 1)
             if results_for(counts[fn][1], wanted)]
    total = sum(c for c, _ in counts.values())
    print(f"counting run: {total} VkResult vendor calls of {len(counts)} functions "
          f"({seconds:.1f} s); {len(calls)} of them may fail with the results asked for")
    for fn in sorted(counts):
        results = results_for(counts[fn][1], wanted)
        print(f"  {fn} {counts[fn][0]}: " + (",".join(results) if results else
                                              "never fails (vk.xml lists no error it may return)"))
    if args.only:
        fn, _, nth = args.only.partition(":")
        calls = [c for c in calls if c[0] == fn and (not nth or c[1] == int(nth))]
    chosen = choose(calls, args.max_calls)
    runs = [(fn, n, r) for fn, n in chosen for r in results_for(counts[fn][1], wanted)]
    subset = "" if len(chosen) == len(calls) else " (KRONOS_FAULT_SWEEP_MAX_CALLS=0: every call)"
    print(f"sweeping {len(chosen)} of {len(calls)} calls: {len(runs)} runs{subset}")
    if args.persistent:
        # Every call of a function failing, from its first: no retry may spin forever.
        persistent = [(fn, 0, r) for fn in sorted(counts)
                      for r in results_for(counts[fn][1], wanted)
                      if not args.only or args.only == fn]
        runs += persistent
        print(f"and every call of a function failing: {len(persistent)} runs")
    if args.null:
        # Every function called, its vendor's proc-addr answering NULL (void ones included).
        if args.only:
            names = [fn for fn in names if args.only == fn]
        runs += [(fn, 0, "NULL") for fn in names]
        print(f"and {len(names)} functions answered NULL by the vendor's proc-addr: "
              f"{len(names)} runs")
    sys.stdout.flush()

    def one(run):
        fn, n, result = run
        if result == "NULL":
            env = {"KRONOS_FAULT_NULL": fn}
            if fn in UNDESTROYABLE:
                env["LSAN_OPTIONS"] = f"suppressions={LSAN_SUPPRESSIONS}:print_suppressions=0"
            rc, out, err, _ = run_program(args, env)
        else:
            rc, out, err, _ = run_program(args, {"KRONOS_FAULT_FUNCTION": fn,
                                                 "KRONOS_FAULT_NTH": str(max(n, 1)),
                                                 "KRONOS_FAULT_TIMES": "0" if n == 0 else "1",
                                                 "KRONOS_FAULT_RESULT": result})
        verdict, detail = classify(rc, out, err, result, "kronos-faultdrv: injected" in err)
        what = (f"{fn} answered NULL" if result == "NULL" else
                f"{fn} every call -> {result}" if n == 0 else f"{fn} call {n} -> {result}")
        return what, verdict, detail, err

    tally, seconds, failed = execute(args, runs, one)
    print(f"{total} VkResult vendor calls counted, {len(chosen)} swept, {len(runs)} runs in "
          f"{seconds:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    return 1 if failed else 0


def execute(args, runs, one):
    """Runs one(run) -> (what, verdict, detail, stderr) for each run, args.jobs at a time,
    printing every verdict but ok (every one with --verbose); (tally, seconds, any failed)."""
    tally = collections.Counter()
    failed = False
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for what, verdict, detail, err in pool.map(one, runs):
            if args.strict and verdict == "absorbed":
                verdict = "FAIL"
            tally[verdict] += 1
            if verdict != "ok" or args.verbose:
                print(f"{verdict}: {what}: {detail}")
                if verdict == "FAIL":
                    failed = True
                    tail = err.strip().splitlines()[-15:]
                    print("    " + "\n    ".join(tail))
            sys.stdout.flush()
    return tally, time.monotonic() - start, failed


def library_owner(library):
    """Who asked for a host allocation, from the library the call came from."""
    if library.startswith("libvulkan.so"):
        return "loader"
    if library.startswith("libvulkan_kronos.so"):
        return "Kronos"
    return "vendor"


def failure_kind(detail):
    """What kind of failure a FAIL's detail says: crash, leak, wrong, hang or other."""
    for kind, markers in (("crash", ("signal", "SEGV", "AddressSanitizer")),
                          ("leak", ("leak", "LeakSanitizer")),
                          ("wrong", ("wrong results",)), ("hang", ("hang", "timed out"))):
        if any(m in detail for m in markers):
            return kind
    return "other"


def trace_host_allocations(args, extra_env):
    """The counting run: [(n, owner)] for each host allocation of the program's thread; None on
    failure (said)."""
    with tempfile.TemporaryDirectory() as tmp:
        trace_path = os.path.join(tmp, "trace")
        env = dict(extra_env, KRONOS_FAULT_HOST_ALLOC="count",
                   KRONOS_FAULT_HOST_ALLOC_TRACE=trace_path)
        rc, out, err, _ = run_program(args, env)
        if rc != PASS:
            print(f"FAIL: the counting run exited with {rc}\n{out}{err}")
            return None
        with open(trace_path) as f:
            rows = [line.split() for line in f]
    total = int(re.search(r"host allocations: (\d+)", out).group(1))
    if total != len(rows):
        print(f"FAIL: the program counted {total} host allocations, its trace {len(rows)}")
        return None
    return [(int(row[0]), library_owner(row[1])) for row in rows]


def refuse_host_allocation(args, n, extra_env=None):
    """(verdict, detail, stderr, where) of a run with host allocation n refused; where: (owner,
    step, command, k) of the allocation refused (the kth of its library in that command of the
    fault driver's), or None where none was."""
    rc, out, err, _ = run_program(args, dict(extra_env or {}, KRONOS_FAULT_HOST_ALLOC=str(n)))
    said = re.search(rf"fault_program: host allocation {n} refused: (\S+) (\S+) (\S+) (\d+)",
                     err)
    where = (library_owner(said[1]), said[2], said[3], int(said[4])) if said else None
    verdict, detail = classify(rc, out, err, "VK_ERROR_OUT_OF_HOST_MEMORY", bool(said))
    if verdict == "ok" and said and "VK_ERROR_OUT_OF_HOST_MEMORY" not in detail:
        # Refused memory is out-of-host-memory and nothing else (VK_ERROR_DEVICE_LOST on later
        # waits included: nothing was lost).
        verdict = "FAIL"
    return verdict, detail, err, where


def vendor_alone(args):
    """{(command, k): failure kind} where the program run on the vendor alone (the fault driver
    as the loader's driver, without Kronos) fails when the vendor's kth allocation in that
    vendor command is refused."""
    direct_env = {"VK_DRIVER_FILES": args.faultdrv_manifest, "KRONOS_FAULT_DIRECT": "1"}
    allocations = trace_host_allocations(args, direct_env)
    if allocations is None:
        return None
    vendor = [n for n, owner in allocations if owner == "vendor"]

    def one(n):
        verdict, detail, _, where = refuse_host_allocation(args, n, direct_env)
        return verdict, detail, where

    failures = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for verdict, detail, where in pool.map(one, vendor):
            if verdict == "FAIL" and where:
                failures[where[2], where[3]] = failure_kind(detail)
    print(f"the vendor alone: {len(vendor)} of its host allocations refused, one at a time: "
          f"{len(failures)} fail (" +
          ", ".join(f"{k} {v}" for k, v in sorted(collections.Counter(
              failures.values()).items())) + ")")
    return failures


def host_alloc_sweep(args):
    """The application's VkAllocationCallbacks refusing each host allocation in turn."""
    allocations = trace_host_allocations(args, {})
    if allocations is None:
        return 1
    by_owner = collections.Counter(owner for _, owner in allocations)
    print(f"counting run: {len(allocations)} host allocations of the application's callbacks "
          "on its thread: " + ", ".join(f"{k} {v}" for k, v in sorted(by_owner.items())))
    loader_seen = 0
    chosen = []
    for n, owner in allocations:
        if owner == "loader":
            loader_seen += 1
            if (loader_seen - 1) % args.loader_every:
                continue
        chosen.append(n)
    if args.only:
        chosen = [n for n in chosen if n == int(args.only)]
    print(f"sweeping {len(chosen)} of them (the loader's: every {args.loader_every}. one)")
    sys.stdout.flush()
    vendor_failures = vendor_alone(args) if args.vendor_alone else {}
    if vendor_failures is None:
        return 1

    def one(n):
        verdict, detail, err, where = refuse_host_allocation(args, n)
        if not where:
            return f"host allocation {n}", verdict, detail, err
        owner, step, command, k = where
        if verdict == "FAIL" and owner == "vendor":
            # The vendor's own allocation: not Kronos's failure where the vendor alone fails the
            # same way when an allocation of that vendor command is refused (Kronos calls it
            # more or less often, or from another of the application's calls: the kth may
            # differ).
            kind = failure_kind(detail)
            same_command = {f for (c, _), f in vendor_failures.items() if c == command}
            # A vendor command whose out-of-memory path crashes on the vendor alone corrupts
            # memory there (lavapipe 25's vkCmdPipelineBarrier frees a pointer it never
            # allocated): under Kronos the same corruption can show as any failure, depending
            # on what the stack happens to hold.
            if (vendor_failures.get((command, k)) == kind or kind in same_command or
                    "crash" in same_command):
                verdict = "vendor"
                detail += " (so does the vendor alone)"
        return (f"host allocation {n} ({owner}, in {step}, vendor command {command} "
                f"allocation {k})", verdict, detail, err)

    tally, seconds, failed = execute(args, chosen, one)
    print(f"{len(allocations)} host allocations counted, {len(chosen)} swept in {seconds:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
