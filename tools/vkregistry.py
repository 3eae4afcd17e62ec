# SPDX-License-Identifier: MIT
"""A small model of the Vulkan registry (vk.xml) for Kronos's generators.

Only what the generators need: commands (with parameters, queues and aliases), handle types,
structures (members, sType, structextends), core versions and extensions with what each
requires.  Elements marked for another API (e.g. api="vulkansc") are skipped.
"""
import argparse
import os
import re
import xml.etree.ElementTree as ET

API = "vulkan"


def _for_vulkan(elem):
    api = elem.get("api")
    return api is None or API in api.split(",")


def _text(elem):
    return "".join(elem.itertext()).strip()


class Param:
    def __init__(self, elem):
        self.type = elem.find("type").text
        self.name = elem.find("name").text
        # Full C declaration without comments, e.g. "const VkSubmitInfo* pSubmits".
        parts = []
        if elem.text:
            parts.append(elem.text)
        for child in elem:
            if child.tag == "comment":
                if child.tail:
                    parts.append(child.tail)
                continue
            parts.append("".join(child.itertext()))
            if child.tail:
                parts.append(child.tail)
        self.decl = re.sub(r"\s+", " ", "".join(parts)).strip()
        self.is_pointer = "*" in self.decl
        self.is_array = "[" in self.decl


class Command:
    def __init__(self, elem):
        proto = elem.find("proto")
        self.name = proto.find("name").text
        self.return_type = proto.find("type").text
        self.params = [Param(p) for p in elem.findall("param") if _for_vulkan(p)]
        queues = elem.get("queues")
        self.queues = set(queues.split(",")) if queues else set()
        self.aliases = []

    @property
    def first_type(self):
        return self.params[0].type if self.params else None


class Member:
    def __init__(self, elem):
        self.type = elem.find("type").text
        self.name = elem.find("name").text
        self.values = elem.get("values")
        decl = _text(elem)
        comment = elem.find("comment")
        if comment is not None and comment.text:
            decl = decl.replace(comment.text, "")
        self.decl = re.sub(r"\s+", " ", decl).strip()
        self.is_pointer = "*" in self.decl
        enum = elem.find("enum")
        m = re.search(r"\[(\w+)\]", self.decl)
        self.array_len = enum.text if enum is not None else (m.group(1) if m else None)


class Struct:
    def __init__(self, elem):
        self.name = elem.get("name")
        self.category = elem.get("category")
        self.members = [Member(m) for m in elem.findall("member") if _for_vulkan(m)]
        extends = elem.get("structextends")
        self.extends = set(extends.split(",")) if extends else set()
        self.stype = None
        for m in self.members:
            if m.name == "sType" and m.values:
                self.stype = m.values

    @property
    def body_members(self):
        """Members after sType/pNext."""
        return [m for m in self.members if m.name not in ("sType", "pNext")]


class Feature:
    """A core version (VK_VERSION_1_x) or an extension, with what it requires."""

    def __init__(self, elem, is_extension):
        self.name = elem.get("name")
        self.is_extension = is_extension
        self.type = elem.get("type")  # instance / device for extensions
        self.number = elem.get("number")
        self.platform = elem.get("platform")
        self.supported = elem.get("supported", API)
        self.promotedto = elem.get("promotedto")
        self.requires = []  # list of (condition tokens, [commands], [types])
        self.spec_version_enum = None
        for req in elem.findall("require"):
            for e in req.findall("enum"):
                if (e.get("name") or "").endswith("_SPEC_VERSION"):
                    self.spec_version_enum = e.get("name")
            if not _for_vulkan(req):
                continue
            cond = []
            for attr in ("feature", "extension", "depends"):
                if req.get(attr):
                    cond += [t for t in re.split(r"[+,()]", req.get(attr)) if t]
            cmds = [c.get("name") for c in req.findall("command")]
            types = [t.get("name") for t in req.findall("type")]
            self.requires.append((cond, cmds, types))

    @property
    def is_vulkan(self):
        return API in self.supported.split(",")

    def version(self):
        """(major, minor) for a core version."""
        m = re.match(r"VK_VERSION_(\d+)_(\d+)", self.name)
        return (int(m.group(1)), int(m.group(2))) if m else None


class Registry:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.header_version = 0  # VK_HEADER_VERSION (the patch version of the headers)
        for t in root.find("types").findall("type"):
            name = t.find("name")
            if t.get("category") == "define" and name is not None and \
                    name.text == "VK_HEADER_VERSION" and _for_vulkan(t):
                m = re.search(r"VK_HEADER_VERSION\s+(\d+)", _text(t))
                if m:
                    self.header_version = int(m.group(1))
        self.handles = {}  # name -> dispatchable?
        self.handle_alias = {}
        self.structs = {}
        self.struct_alias = {}
        for t in root.find("types").findall("type"):
            if not _for_vulkan(t):
                continue
            cat = t.get("category")
            if cat == "handle":
                if t.get("alias"):
                    self.handle_alias[t.get("name")] = t.get("alias")
                else:
                    name = t.find("name").text
                    self.handles[name] = t.find("type").text == "VK_DEFINE_HANDLE"
            elif cat in ("struct", "union"):
                if t.get("alias"):
                    self.struct_alias[t.get("name")] = t.get("alias")
                else:
                    s = Struct(t)
                    self.structs[s.name] = s
        for alias, target in self.handle_alias.items():
            self.handles[alias] = self.handles[target]

        self.commands = {}
        aliases = []
        for c in root.find("commands").findall("command"):
            if not _for_vulkan(c):
                continue
            if c.get("alias"):
                aliases.append((c.get("name"), c.get("alias")))
            else:
                cmd = Command(c)
                self.commands[cmd.name] = cmd
        self.alias_of = {}
        for name, target in aliases:
            self.commands[target].aliases.append(name)
            self.alias_of[name] = target

        # Bitmask enums: {enum type: {bit name: value}}, with the bits extensions add.
        self.bitmasks = {}
        for enums in root.findall("enums"):
            if enums.get("type") == "bitmask":
                self.bitmasks[enums.get("name")] = {}
        for e in root.iter("enum"):
            owner = e.get("extends")
            if owner is None:
                continue
            if owner in self.bitmasks and e.get("bitpos") is not None:
                self.bitmasks[owner][e.get("name")] = 1 << int(e.get("bitpos"))
        for enums in root.findall("enums"):
            if enums.get("type") != "bitmask":
                continue
            for e in enums.findall("enum"):
                if e.get("bitpos") is not None:
                    self.bitmasks[enums.get("name")][e.get("name")] = 1 << int(e.get("bitpos"))

        self.versions = [Feature(f, False) for f in root.findall("feature") if _for_vulkan(f)]
        self.extensions = {}
        for e in root.find("extensions").findall("extension"):
            f = Feature(e, True)
            if f.is_vulkan:
                self.extensions[f.name] = f

    def canonical(self, cmd_name):
        return self.alias_of.get(cmd_name, cmd_name)

    def is_dispatchable(self, type_name):
        return self.handles.get(type_name, False)

    def struct_contains(self, struct_name, predicate, seen=None):
        """True if a member (recursively, not through pNext) has a type matching predicate."""
        seen = seen or set()
        if struct_name in seen or struct_name not in self.structs:
            return False
        seen.add(struct_name)
        for m in self.structs[struct_name].members:
            if m.name == "pNext":
                continue
            if predicate(m.type):
                return True
            if self.struct_contains(m.type, predicate, seen):
                return True
        return False


def run_generator(generate):
    """The generators' command line: --xml vk.xml --out-dir DIR. generate(registry) returns
    {file name: text}; each is written into DIR."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--xml", required=True)
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args()
    for name, text in generate(Registry(args.xml)).items():
        with open(os.path.join(args.out_dir, name), "w") as f:
            f.write(text)
