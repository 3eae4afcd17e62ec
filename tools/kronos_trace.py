# SPDX-License-Identifier: MIT
"""Reads the GPU slices of a Kronos profile (KRONOS_PROFILE's Chrome trace-event JSON, written
by src/kr_profile_output.c): the processes whose name starts with "GPU: ", one track (thread)
per queue, complete events ("ph": "X") with args kind, depth and grid. For profile_png.py and
profile_compare.py."""
import json
from dataclasses import dataclass


class TraceError(Exception):
    """The file is not a Kronos profile trace; the message says why."""


@dataclass
class Slice:
    track: str  # "<GPU process name> / <queue track name>"
    name: str  # the pipeline's debug name, "<entry>#<hash>", or the command (vkCmdCopyBuffer)
    kind: str  # dispatch, copy, fill, update, label
    depth: int  # debug-utils label depth
    ts: float  # µs since the device's creation
    dur: float  # µs
    grid: str  # "XxYxZ" for dispatches, else ""


def _number(event, key, path):
    value = event.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TraceError(f"{path}: an event's {key!r} is not a number: {event}")
    return float(value)


def gpu_slices(path):
    """The GPU slices of the trace in `path`, in file order (each track's in time order)."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise TraceError(f"{path}: {e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TraceError(f"{path}: not JSON: {e}") from None
    events = data.get("traceEvents") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise TraceError(f"{path}: no traceEvents list")
    processes, threads = {}, {}
    for e in events:
        if not isinstance(e, dict):
            raise TraceError(f"{path}: an event is not an object: {e!r}")
        if e.get("ph") == "M":
            name = (e.get("args") or {}).get("name")
            if e.get("name") == "process_name":
                processes[e.get("pid")] = name
            elif e.get("name") == "thread_name":
                threads[(e.get("pid"), e.get("tid"))] = name
    gpus = {pid for pid, name in processes.items() if isinstance(name, str) and
            name.startswith("GPU: ")}
    if not gpus:
        raise TraceError(f"{path}: no GPU process (a process_name \"GPU: ...\"): not a Kronos "
                         "profile")
    out = []
    for e in events:
        if e.get("ph") != "X" or e.get("pid") not in gpus:
            continue
        args = e.get("args") or {}
        name = e.get("name")
        if not isinstance(name, str) or not isinstance(args, dict):
            raise TraceError(f"{path}: a GPU slice without a name or args: {e}")
        try:
            depth = int(args.get("depth", 0))
        except (TypeError, ValueError):
            raise TraceError(f"{path}: a GPU slice's depth is not a number: {e}") from None
        pid, tid = e["pid"], e.get("tid")
        track = f"{processes[pid][5:]} / {threads.get((pid, tid), f'track {tid}')}"
        out.append(Slice(track, name, str(args.get("kind", "")), depth, _number(e, "ts", path),
                         _number(e, "dur", path), str(args.get("grid", ""))))
    return out
