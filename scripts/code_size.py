#!/usr/bin/env python3
"""Files over a line limit and functions over a line limit in surge's C++ sources (issue 17's measure).

  scripts/code_size.py [--file-limit 600] [--function-limit 80] [--check] [PATH...]

Lists every source file (.cpp, .hpp) over the file limit and every function body over the function
limit, longest first. A function is a brace block that follows a parameter list at namespace or class
level (free functions, methods, constructors, lambdas at namespace level, TEST bodies); its length runs
from the line of its signature's closing parenthesis to its closing brace. Comments and string literals
are blanked first. Tables (brace blocks after '=') are not functions. Heuristic, not a C++ parser: a
constructor whose member initialisers use braces is missed. With --check the exit code is 1 when
anything is over a limit.
"""
import argparse
import pathlib
import re
import subprocess
import sys

SIGNATURE_END = re.compile(
    r"\)\s*(?:const|noexcept(?:\([^)]*\))?|override|final|mutable|&|&&|->\s*[\w:<>,\s*&]+|\s)*"
    r"(?::\s*(?:[\w:]+\s*\([^;{}]*\)\s*,?\s*)+)?$", re.S)
CONTAINER = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;{}()]*$|extern\s+\"C\"\s*$", re.S)


def blank(text):
    """Comments and string/char literals replaced by spaces, newlines kept (so line numbers hold)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + (m.group(1) if m else "") + '"', i)
            j = n if end < 0 else end + len(m.group(1) if m else "") + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif c in "\"'" and not (c == "'" and i > 0 and text[i - 1].isalnum()):  # 1'000'000 is a number
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + (c if j < n else "")); i = j + 1
        else:
            out.append(c); i += 1
    return "".join(out)


def functions(text):
    """(name, first line, last line) of every function body in blanked text."""
    found, stack, since = [], [], 0  # stack of (kind, start line); since: start of the current statement
    depth_in_function = 0
    for i, c in enumerate(text):
        if c in ";":
            if not depth_in_function:
                since = i + 1
        elif c == "{":
            if depth_in_function:
                depth_in_function += 1
                continue
            head = text[since:i]
            if SIGNATURE_END.search(head.rstrip()) and "=" not in head.split("(")[0] and not CONTAINER.search(head):
                paren = head.rfind(")")
                name = re.findall(r"([~\w:]+)\s*\(", head)
                line = text.count("\n", 0, since + paren) + 1
                stack.append(("function", line, name[0] if name else "?"))
                depth_in_function = 1
            else:
                stack.append(("block", 0, ""))
            since = i + 1
        elif c == "}":
            if depth_in_function:
                depth_in_function -= 1
                if depth_in_function == 0:
                    kind, line, name = stack.pop()
                    found.append((name, line, text.count("\n", 0, i) + 1))
                    since = i + 1
                continue
            if stack:
                stack.pop()
            since = i + 1
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--file-limit", type=int, default=600)
    ap.add_argument("--function-limit", type=int, default=80)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    # Files git knows (new ones too, once added), or under the paths given (a file or a folder).
    files = subprocess.run(["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard",
                            "*.cpp", "*.hpp"], check=True, capture_output=True, text=True).stdout.split()
    if a.paths:
        wanted = [pathlib.Path(p).resolve() for p in a.paths]
        files = [f for f in files if any((root / f).resolve() == w or w in (root / f).resolve().parents
                                         for w in wanted)]
    long_files, long_functions = [], []
    for f in files:
        path = root / f if not pathlib.Path(f).is_absolute() else pathlib.Path(f)
        text = path.read_text(errors="replace")
        lines = text.count("\n")
        if lines > a.file_limit:
            long_files.append((lines, f))
        for name, first, last in functions(blank(text)):
            if last - first + 1 > a.function_limit:
                long_functions.append((last - first + 1, f, first, name))
    print(f"files over {a.file_limit} lines: {len(long_files)}")
    for lines, f in sorted(long_files, reverse=True):
        print(f"  {lines:5d}  {f}")
    print(f"functions over {a.function_limit} lines: {len(long_functions)}")
    for length, f, line, name in sorted(long_functions, reverse=True):
        print(f"  {length:5d}  {f}:{line}  {name}")
    return 1 if a.check and (long_files or long_functions) else 0


if __name__ == "__main__":
    sys.exit(main())
