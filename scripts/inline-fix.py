#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""inline-fix.py FIXES_C DRV_C HEADER: the in-tree form of a fix.
inline-fix.py --prototypes FIXES_C HEADER: only drop the prototypes.

Each vmxp_NAME() of FIXES_C that DRV_C calls becomes a static
vmxnet3_NAME() in DRV_C, with its comment, just before the function
holding the first call; the calls are renamed and the prototype (with
the one-line comment above it) leaves HEADER.  Prints the names inlined.
Used by upstream-series.sh, so that a fix's commit carries its own code
and builds on upstream without the rest of the series.
"""
import re
import sys


def functions(src):
    """name -> text (leading comment included) of each function in src"""
    out = {}
    lines = src.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(?:int|void|bool|u32|u16) (vmxp_\w+)\(", lines[i])
        if not m:
            i += 1
            continue
        start = i
        if start > 0 and lines[start - 1] == " */":
            while not lines[start - 1].startswith("/*"):
                start -= 1
            start -= 1
        end = i
        while lines[end] != "}":
            end += 1
        out[m.group(1)] = lines[start:end + 1]
        i = end + 1
    return out


def open_paren(line):
    """column after the last unmatched "(" of line, or None"""
    stack = []
    for i, c in enumerate(line.expandtabs(8)):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            stack.pop()
    return stack[-1] + 1 if stack else None


def realign(text):
    """re-indent the continuation lines of a statement to the parenthesis
    left open at the end of its first line (enough for signatures and
    calls; a parenthesis opened on a continuation line is not followed)"""
    out = []
    col = None
    for line in text:
        if col is not None and line.startswith("\t"):
            line = "\t" * (col // 8) + " " * (col % 8) + line.lstrip("\t ")
        elif col is not None:
            col = None
        out.append(line)
        # still open at the end of this line: the next one continues it
        depth = sum(out[-1].count(c) for c in "(") - sum(out[-1].count(c) for c in ")")
        if col is None:
            col = open_paren(line) if depth > 0 else None
        elif depth < 0:
            col = None
    return out


def drop_prototype(hdr, name):
    """the prototype of name, possibly two lines, and its comment line"""
    return re.sub(r"(/\*[^\n]*\*/\n)?[a-z][^\n]* %s\([^;]*;\n" % name, "", hdr)


def main():
    if sys.argv[1] == "--prototypes":
        fixes_c, header = sys.argv[2:4]
        hdr = open(header).read()
        for name in functions(open(fixes_c).read()):
            hdr = drop_prototype(hdr, name)
        open(header, "w").write(hdr)
        return
    fixes_c, drv_c, header = sys.argv[1:4]
    fixes = functions(open(fixes_c).read())
    drv = open(drv_c).read()
    hdr = open(header).read()
    done = []
    for name, text in fixes.items():
        if not re.search(r"\b%s\(" % name, drv):
            continue
        new = name.replace("vmxp_", "vmxnet3_", 1)
        if re.search(r"^static \w+ %s\(" % new, drv, re.M):
            # an earlier fix of the series brought it: only the calls
            drv = re.sub(r"\b%s\(" % name, new + "(", drv)
            continue
        text = [re.sub(r"^(int|void|bool|u32|u16) %s\(" % name,
                       r"static \1 %s(" % new, l) for l in text]
        text = realign(text)
        lines = drv.split("\n")
        first = next(i for i, l in enumerate(lines) if re.search(r"\b%s\(" % name, l))
        # the start of the function holding the call, its comment included
        s = first
        while not (re.match(r"^\w", lines[s]) and "(" in lines[s]):
            s -= 1
        if s > 0 and re.match(r"^(static )?[\w ]+\**$", lines[s - 1]):
            s -= 1
        # a comment block of its own lines right above it (not a trailing
        # comment such as "#endif /* X */")
        if s > 0 and lines[s - 1].strip() == "*/":
            while s > 1 and not lines[s - 1].startswith("/*"):
                s -= 1
            s -= 1
        lines[s:s] = text + [""]
        drv = re.sub(r"\b%s\(" % name, new + "(", "\n".join(lines))
        hdr = drop_prototype(hdr, name)
        done.append(new)
    open(drv_c, "w").write(drv)
    open(header, "w").write(hdr)
    print(" ".join(done))


main()
