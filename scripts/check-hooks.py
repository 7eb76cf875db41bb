#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check-hooks.py HOOKS SRCDIR: every hook landed exactly where it belongs.

HOOKS lists one expected call per line, "FILE FUNCTION HOOK [COUNT]"
(COUNT: N or MIN-MAX, default 1; '#' starts a comment).  SRCDIR is a patched
drivers/net/vmxnet3.  A hook counts where its name is followed by '(' or
appears as an initializer value ('= hook,').  Fails, naming each miss, if
a hook is missing from its function, is there more or fewer times than
COUNT, or appears in a function the list does not name for it.
"""
import re
import sys


def functions(text):
    """(name, body) of every top-level function definition and
    initialized object (a table of ops) in C TEXT."""
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    # preprocessor lines (continuations too) would lend a body the name
    # of a macro's "while (0)"; keep the line count
    text = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', lambda m: '\n' * m.group(0).count('\n'),
                  text, flags=re.M)
    out = []
    i, depth, start, name = 0, 0, None, None
    head = re.compile(r'(\w+)\s*\([^;{}]*\)\s*$', re.S)
    init = re.compile(r'(\w+)\s*=\s*$')
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == '{':
            if depth == 0:
                before = text[max(0, i - 2000):i]
                m = head.search(before) or init.search(before)
                name = m.group(1) if m else None
                start = i
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0 and name:
                out.append((name, text[start:i + 1]))
                name = None
        i += 1
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: check-hooks.py HOOKS SRCDIR')
    want = {}
    for no, line in enumerate(open(sys.argv[1]), 1):
        f = line.split('#', 1)[0].split()
        if not f:
            continue
        if len(f) not in (3, 4) or not re.fullmatch(r'\d+(-\d+)?', f[3] if len(f) > 3 else '1'):
            sys.exit(f'check-hooks: {sys.argv[1]}:{no}: want FILE FUNCTION HOOK [COUNT]')
        if tuple(f[:3]) in want:
            sys.exit(f'check-hooks: {sys.argv[1]}:{no}: {" ".join(f[:3])} listed twice')
        fname, func, hook = f[:3]
        lo, _, hi = (f[3] if len(f) > 3 else '1').partition('-')
        want[(fname, func, hook)] = range(int(lo), int(hi or lo) + 1)
    errors = []
    import os
    files = {k[0] for k in want}
    files |= {f for f in os.listdir(sys.argv[2]) if f.endswith('.c')}
    for fname in sorted(files):
        try:
            text = open(f'{sys.argv[2]}/{fname}').read()
        except OSError as e:
            errors.append(f'{fname}: {e.strerror}')
            continue
        got = {}
        for func, body in functions(text):
            # every call of this project's code, listed or not
            for hook in re.findall(r'\b(vmxp_\w+)\s*[(,]', body):
                got[(fname, func, hook)] = got.get((fname, func, hook), 0) + 1
        for k, n in want.items():
            if k[0] == fname and got.get(k, 0) not in n:
                errors.append(f'{fname}: {k[2]}() {got.get(k, 0)} times in {k[1]}(),'
                              f' want {n.start}' + (f'-{n.stop - 1}' if len(n) > 1 else ''))
        for k, n in got.items():
            if k not in want:
                errors.append(f'{fname}: {k[2]}() in {k[1]}(), where no hook belongs')
    for e in errors:
        print(f'check-hooks: {e}', file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
