#!/usr/bin/env python3
"""The include check: every project include is folder-qualified and points the right way.

  scripts/include_check.py [--root DIR]

The rooms depend on each other one way: models <- sim <- cli, models <- real <- cli, models <- gui; tests
may include any. A quoted include names its folder from the project root ("models/scenario.hpp"). models/
and sim/ include no PKCS#11 (p11-kit), SQLite, Qt or MySQL/MariaDB header. Every problem is printed as
FILE:LINE: message; the exit code is 1 when there is one, 0 otherwise.
"""
import argparse
import pathlib
import re
import sys

ROOMS = ("models", "sim", "real", "gui", "cli", "tests")
# What each room may include (besides itself); tests may include every room.
MAY_INCLUDE = {
    "models": {"models"},
    "sim": {"models", "sim"},
    "real": {"models", "real"},
    "gui": {"models", "gui"},
    "cli": {"models", "sim", "real", "cli"},
    "tests": set(ROOMS),
}
# System headers the pure rooms (no real parts, no front end) never include.
FOREIGN = re.compile(r"^(p11-kit/|pkcs11|sqlite3|Q[A-Za-z]*(/|$)|Qt[A-Za-z]*/|mysql|mariadb)")
PURE = {"models", "sim"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def problems(root):
    out = []
    for path in sorted(p for room in ROOMS for p in (root / room).rglob("*") if p.suffix in (".cpp", ".hpp", ".h")):
        rel = path.relative_to(root)
        room = rel.parts[0]
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            quoted, name = m.group(1) == '"', m.group(2)
            where = f"{rel}:{number}: "
            if not quoted:
                if room in PURE and FOREIGN.match(name):
                    out.append(where + f"{room}/ may not include <{name}>: no PKCS#11, SQLite, Qt or MySQL in "
                               "models/ or sim/ (they belong to real/, cli/ or gui/)")
                continue
            target = name.split("/")[0]
            if target not in ROOMS:
                local = path.parent / name
                if local.exists():
                    qualified = local.resolve().relative_to(root.resolve())
                    out.append(where + f'"{name}" is not folder-qualified: write "{qualified}", from the project root')
                elif any((root / r / name).exists() for r in ROOMS):
                    out.append(where + f'"{name}" is not folder-qualified: name its folder, from the project root')
                continue  # a generated header (build folder)
            if target not in MAY_INCLUDE[room] and target != room:
                out.append(where + f"{room}/ may not include {target}/ (\"{name}\"): the rooms depend one way, "
                           "models <- sim <- cli, models <- real <- cli, models <- gui")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent))
    root = pathlib.Path(ap.parse_args().root)
    found = problems(root)
    for p in found:
        print(p)
    print(f"include check: {len(found)} problem(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
