#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small SPIR-V assembler for shaders that Debian 12's tools cannot produce.

Debian 12's glslang (11.13) and SPIRV-Tools (2023.1) predate SPV_KHR_cooperative_matrix, so the
cooperative-matrix GEMM (gemm_coopmat.spvasm) is written in SPIR-V assembly and assembled here.
The text is spirv-as's, for what the project's kernels use: `%name = OpX operands`,
enumerants by name (masks joined with |), "strings", integer literals and floating ones
(decimal or hexadecimal, 16, 32 or 64 bits); OpSwitch selectors of 32 bits only. A newer
spirv-as assembles the same file.

Opcodes and enumerants come from the SPIR-V grammar installed with spirv-headers
(spirv.core.grammar.json), plus those of SPV_KHR_cooperative_matrix where the installed grammar
is older (the values of the SPIR-V registry). Ids are numbered in order of first appearance.
"""
import argparse
import json
import os
import re
import shlex
import struct

# SPV_KHR_cooperative_matrix, for grammars older than SPIR-V Headers 1.3.261.
COOPERATIVE_MATRIX_KHR = {
    "instructions": [
        {"opname": "OpTypeCooperativeMatrixKHR", "opcode": 4456,
         "operands": [{"kind": "IdResult"}, {"kind": "IdRef"}, {"kind": "IdScope"},
                      {"kind": "IdRef"}, {"kind": "IdRef"}, {"kind": "IdRef"}]},
        {"opname": "OpCooperativeMatrixLoadKHR", "opcode": 4457,
         "operands": [{"kind": "IdResultType"}, {"kind": "IdResult"}, {"kind": "IdRef"},
                      {"kind": "IdRef"}, {"kind": "IdRef", "quantifier": "?"},
                      {"kind": "MemoryAccess", "quantifier": "?"}]},
        {"opname": "OpCooperativeMatrixStoreKHR", "opcode": 4458,
         "operands": [{"kind": "IdRef"}, {"kind": "IdRef"}, {"kind": "IdRef"},
                      {"kind": "IdRef", "quantifier": "?"},
                      {"kind": "MemoryAccess", "quantifier": "?"}]},
        {"opname": "OpCooperativeMatrixMulAddKHR", "opcode": 4459,
         "operands": [{"kind": "IdResultType"}, {"kind": "IdResult"}, {"kind": "IdRef"},
                      {"kind": "IdRef"}, {"kind": "IdRef"},
                      {"kind": "CooperativeMatrixOperands", "quantifier": "?"}]},
        {"opname": "OpCooperativeMatrixLengthKHR", "opcode": 4460,
         "operands": [{"kind": "IdResultType"}, {"kind": "IdResult"}, {"kind": "IdRef"}]},
    ],
    "enumerants": {
        "Capability": {"CooperativeMatrixKHR": 6022},
        "CooperativeMatrixOperands": {"NoneKHR": 0, "MatrixASignedComponentsKHR": 1,
                                      "MatrixBSignedComponentsKHR": 2,
                                      "MatrixCSignedComponentsKHR": 4,
                                      "MatrixResultSignedComponentsKHR": 8,
                                      "SaturatingAccumulationKHR": 16},
    },
}

ID_KINDS = {"IdResultType", "IdResult", "IdRef", "IdScope", "IdMemorySemantics"}


class Grammar:
    def __init__(self, path):
        with open(path) as f:
            g = json.load(f)
        self.instructions = {i["opname"]: i for i in g["instructions"]}
        # kind -> {"category", "enumerants": {name: (value, [parameter kinds])}}
        self.kinds = {}
        for k in g["operand_kinds"]:
            enumerants = {}
            for e in k.get("enumerants", []):
                value = e["value"]
                value = int(value, 16) if isinstance(value, str) else value
                enumerants[e["enumerant"]] = (value, [p["kind"] for p in e.get("parameters", [])])
            self.kinds[k["kind"]] = {"category": k["category"], "enumerants": enumerants}
        # GLSL.std.450's instructions by name (OpExtInst), from the grammar beside the core one.
        self.glsl_std = {}
        glsl = os.path.join(os.path.dirname(path), "extinst.glsl.std.450.grammar.json")
        if os.path.exists(glsl):
            with open(glsl) as f:
                self.glsl_std = {i["opname"]: i["opcode"] for i in json.load(f)["instructions"]}
        for i in COOPERATIVE_MATRIX_KHR["instructions"]:
            self.instructions.setdefault(i["opname"], i)
        for kind, values in COOPERATIVE_MATRIX_KHR["enumerants"].items():
            entry = self.kinds.setdefault(kind, {"category": "BitEnum", "enumerants": {}})
            for name, value in values.items():
                entry["enumerants"].setdefault(name, (value, []))


class Assembler:
    def __init__(self, grammar):
        self.g = grammar
        self.ids = {}
        self.words = []
        self.types = {}  # result id -> (opcode name, operand tokens) for literal widths

    def id_of(self, token):
        if not token.startswith("%"):
            raise SystemExit(f"expected an id, got {token}")
        return self.ids.setdefault(token, len(self.ids) + 1)

    def literal(self, token, type_id):
        """A number: 32 bits, or the width of the constant's type (OpConstant)."""
        width, is_float = 32, False
        if type_id is not None and type_id in self.types:
            op, operands = self.types[type_id]
            width = int(operands[0])
            is_float = op == "OpTypeFloat"
        if is_float:
            # decimal, or hexadecimal as spirv-dis prints float16 constants (0x1.8p+0)
            value = float.fromhex(token) if "0x" in token.lower() else float(token)
            if width == 64:
                return list(struct.unpack("<II", struct.pack("<d", value)))
            if width == 32:
                return list(struct.unpack("<I", struct.pack("<f", value)))
            if width == 16:
                return [struct.unpack("<H", struct.pack("<e", value))[0]]
            raise SystemExit(f"float literal of width {width}")
        value = int(token, 0)
        if width == 64:
            return [value & 0xFFFFFFFF, (value >> 32) & 0xFFFFFFFF]
        return [value & 0xFFFFFFFF]

    def enum(self, kind, token):
        entry = self.g.kinds[kind]
        value, params = 0, []
        for name in token.split("|"):
            if name not in entry["enumerants"]:
                raise SystemExit(f"{name} is not a {kind}")
            v, p = entry["enumerants"][name]
            value |= v
            params += p
        return value, params

    def operands(self, kinds, tokens, result_type):
        out = []
        queue = list(kinds)
        while queue:
            spec = queue.pop(0)
            kind, quantifier = spec["kind"], spec.get("quantifier", "")
            if not tokens:
                if quantifier in ("?", "*"):
                    continue
                raise SystemExit(f"missing operand {kind}")
            if kind in ID_KINDS:
                out.append(self.id_of(tokens.pop(0)))
            elif kind == "LiteralString":
                text = tokens.pop(0).encode() + b"\0"
                text += b"\0" * (-len(text) % 4)
                out += list(struct.unpack(f"<{len(text) // 4}I", text))
            elif kind == "LiteralExtInstInteger":
                token = tokens.pop(0)
                out.append(int(token, 0) if token[0].isdigit() else self.g.glsl_std[token])
            elif kind.startswith("Literal"):
                out += self.literal(tokens.pop(0), result_type)
            elif kind.startswith("Pair"):
                # (OpSwitch's case literals: 32 bits, so no 64-bit selectors)
                out += [self.id_of(t) if t.startswith("%") else int(t, 0) & 0xFFFFFFFF
                        for t in (tokens.pop(0), tokens.pop(0))]
            else:
                value, params = self.enum(kind, tokens.pop(0))
                out.append(value)
                queue = [{"kind": p} for p in params] + queue
            if quantifier == "*":
                queue.insert(0, spec)
        return out

    def line(self, text):
        text = text.split(";", 1)[0].strip()
        if not text:
            return
        tokens = shlex.split(text, posix=True)
        result = None
        if len(tokens) > 2 and tokens[1] == "=":
            result, tokens = tokens[0], tokens[2:]
        opname, args = tokens[0], tokens[1:]
        inst = self.g.instructions.get(opname)
        if inst is None:
            raise SystemExit(f"unknown instruction {opname}")
        kinds = inst.get("operands", [])
        if result is not None:
            position = [k["kind"] for k in kinds].index("IdResult")
            args.insert(position, result)
        result_type = None
        if kinds and kinds[0]["kind"] == "IdResultType":
            result_type = self.id_of(args[0])
        if opname in ("OpTypeInt", "OpTypeFloat"):
            self.types[self.id_of(result)] = (opname, args[1:])
        words = self.operands(kinds, args, result_type)
        self.words += [((len(words) + 1) << 16) | inst["opcode"]] + words

    def module(self, version):
        header = [0x07230203, version, 0, len(self.ids) + 1, 0]
        return header + self.words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grammar", required=True, help="spirv.core.grammar.json")
    ap.add_argument("--version", default="1.3", help="SPIR-V version of the module")
    ap.add_argument("input")
    ap.add_argument("output")
    args = ap.parse_args()
    major, minor = (int(x) for x in args.version.split("."))
    asm = Assembler(Grammar(args.grammar))
    with open(args.input) as f:
        for number, text in enumerate(f, 1):
            try:
                asm.line(text)
            except SystemExit as e:
                raise SystemExit(f"{args.input}:{number}: {e}")
            except (IndexError, ValueError) as e:
                raise SystemExit(f"{args.input}:{number}: malformed: {e}")
    words = asm.module((major << 16) | (minor << 8))
    with open(args.output, "wb") as f:
        f.write(struct.pack(f"<{len(words)}I", *words))


if __name__ == "__main__":
    main()
