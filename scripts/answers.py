#!/usr/bin/env python3
"""Every shipped scenario's answer, captured and compared: the guard for refactors.

    scripts/answers.py capture SURGE DIR   # run every scenario, store its answers in DIR
    scripts/answers.py compare OLD NEW     # exit 1 when a figure moved beyond 1e-9 relative

For each scenarios/*.yaml (sweep files aside) capture stores
  - NAME.run.json      `surge run --json --compare-analytic` (the simulated and the analytic report),
  - NAME.series.csv    the simulated time series (`--out`),
  - NAME.analyze.json  `surge analyze --json`.
compare reads both folders and reports every number that differs by more than 1e-9 relative
(absolute below 1e-12), every string that differs, and every file present in one folder only.
Wall-clock fields (names containing "wall") are skipped: they measure the machine, not the model.
"""
import csv
import json
import math
import pathlib
import subprocess
import sys

TOLERANCE = 1e-9
ROOT = pathlib.Path(__file__).resolve().parent.parent


def scenarios():
    return sorted(p for p in (ROOT / "scenarios").glob("*.yaml")
                  if not p.name.endswith(".sweep.yaml"))


def run(cmd, out_path):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"answers: {' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stderr}")
    out_path.write_text(result.stdout)


def capture(surge, folder):
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for scenario in scenarios():
        name = scenario.stem
        series = folder / f"{name}.out"
        run([surge, "run", "--quiet", "--json", "--compare-analytic", "--out", series, scenario],
            folder / f"{name}.run.json")
        (series / "series.csv").replace(folder / f"{name}.series.csv")
        for leftover in series.iterdir():
            leftover.unlink()
        series.rmdir()
        run([surge, "analyze", "--json", scenario], folder / f"{name}.analyze.json")
        print(f"captured {name}")


def close(a, b):
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= max(1e-12, TOLERANCE * max(abs(a), abs(b)))


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def compare_values(path, a, b, problems):
    if "wall" in path.rsplit(".", 1)[-1]:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                problems.append(f"{path}.{key}: only in {'new' if key in b else 'old'}")
            else:
                compare_values(f"{path}.{key}", a[key], b[key], problems)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} items, now {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            compare_values(f"{path}[{i}]", x, y, problems)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not close(float(a), float(b)):
            problems.append(f"{path}: {a!r} -> {b!r}")
    elif a != b:
        problems.append(f"{path}: {a!r} -> {b!r}")


def compare_csv(name, old, new, problems):
    rows_a = list(csv.reader(old.read_text().splitlines()))
    rows_b = list(csv.reader(new.read_text().splitlines()))
    if len(rows_a) != len(rows_b):
        problems.append(f"{name}: {len(rows_a)} rows, now {len(rows_b)}")
    for r, (x, y) in enumerate(zip(rows_a, rows_b)):
        for c, (u, v) in enumerate(zip(x, y)):
            nu, nv = number(u), number(v)
            same = close(nu, nv) if nu is not None and nv is not None else u == v
            if not same:
                problems.append(f"{name} row {r + 1} column {c + 1}: {u} -> {v}")
        if len(x) != len(y):
            problems.append(f"{name} row {r + 1}: {len(x)} columns, now {len(y)}")


def compare(old, new):
    old, new = pathlib.Path(old), pathlib.Path(new)
    names_a = {p.name for p in old.iterdir()}
    names_b = {p.name for p in new.iterdir()}
    problems = [f"{n}: only in {old if n in names_a else new}" for n in sorted(names_a ^ names_b)]
    for name in sorted(names_a & names_b):
        if name.endswith(".json"):
            compare_values(name, json.loads((old / name).read_text()),
                           json.loads((new / name).read_text()), problems)
        elif name.endswith(".csv"):
            compare_csv(name, old / name, new / name, problems)
    for line in problems[:200]:
        print(line)
    print(f"{len(names_a & names_b)} files compared, {len(problems)} differences beyond {TOLERANCE:g}")
    return 1 if problems else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "capture":
        capture(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
