# SPDX-License-Identifier: MIT
"""The vendor Vulkan drivers on this machine, for kronos-run and kronos-compare: their manifests
in the loader's search folders (Kronos's own left out), a short name for each, and the devices
each shows (through vulkaninfo --summary, with that manifest alone)."""
import glob
import json
import os
import re
import subprocess

# Names people use for a driver, and the manifest's short name they mean.
ALIASES = {"lavapipe": "lvp", "llvmpipe": "lvp", "mesa": "lvp", "amd": "radeon", "radv": "radeon",
           "anv": "intel"}


def manifest_dirs():
    """The loader's driver search folders, in its order, and NVIDIA's container folder."""
    env = os.environ
    home = env.get("HOME", "")
    config_home = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    config_dirs = (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":")
    data_home = env.get("XDG_DATA_HOME") or os.path.join(home, ".local/share")
    data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    bases = [config_home] + config_dirs + ["/etc"] + [data_home] + data_dirs
    dirs = [os.path.join(b, "vulkan", "icd.d") for b in bases if b]
    dirs.append("/usr/local/nvidia/share/vulkan/icd.d")
    return dirs


def library_of(manifest):
    """The library a driver manifest names, or None if it cannot be read."""
    try:
        with open(manifest) as f:
            return json.load(f)["ICD"]["library_path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_lavapipe(manifest):
    return "lvp" in os.path.basename(manifest)


def find_vendors():
    """Every vendor driver manifest found ($NVIDIA_ICD first, then the search folders), one per
    library, Kronos's own left out: NVIDIA first, lavapipe last (the GPU is what people look
    for)."""
    candidates = []
    if os.environ.get("NVIDIA_ICD"):
        candidates.append(os.environ["NVIDIA_ICD"])
    for d in manifest_dirs():
        candidates += sorted(glob.glob(os.path.join(d, "*.json")))
    vendors, seen_paths, seen_libraries = [], set(), set()
    for manifest in candidates:
        real = os.path.realpath(manifest)
        library = library_of(manifest)
        if not library or real in seen_paths or library in seen_libraries:
            continue
        if "kronos" in os.path.basename(library).lower():
            continue
        seen_paths.add(real)
        seen_libraries.add(library)
        vendors.append(manifest)
    vendors.sort(key=lambda m: 0 if "nvidia" in os.path.basename(m).lower() else
                 2 if is_lavapipe(m) else 1)
    return vendors


def short_name(manifest):
    """nvidia, lvp, intel, radeon...: the manifest's file name without _icd and the arch."""
    name = os.path.basename(manifest)
    name = re.sub(r"\.json$", "", name)
    name = re.sub(r"\.(x86_64|i686|aarch64|armv7l|riscv64|ppc64le)$", "", name)
    return re.sub(r"_icd$", "", name)


def find_vendor(name, vendors):
    """The manifest of vendors named name (a short name or an alias, any case), or None."""
    wanted = ALIASES.get(name.lower(), name.lower())
    for manifest in vendors:
        if short_name(manifest).lower() == wanted:
            return manifest
    return None


def devices(manifest, timeout=60):
    """[{field: value}] of the devices vulkaninfo --summary shows with this driver alone (its
    deviceName, deviceType, driverName, driverInfo, apiVersion...); [] when it shows none or
    vulkaninfo cannot run."""
    env = dict(os.environ, VK_DRIVER_FILES=manifest, VK_LOADER_LAYERS_DISABLE="~implicit~")
    env.pop("VK_ICD_FILENAMES", None)
    try:
        done = subprocess.run(["vulkaninfo", "--summary"], env=env, capture_output=True,
                              text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0 or "Devices:" not in done.stdout:
        return []
    found = []
    for line in done.stdout.split("Devices:", 1)[1].splitlines():
        if re.match(r"^GPU\d+:", line):
            found.append({})
        match = re.match(r"^\s+(\w+)\s*=\s*(.*)$", line)
        if match and found:
            found[-1][match[1]] = match[2].strip()
    return found


def is_gpu(device):
    return device.get("deviceType", "") in ("PHYSICAL_DEVICE_TYPE_DISCRETE_GPU",
                                            "PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU",
                                            "PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU")
