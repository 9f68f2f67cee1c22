"""Summarise a py-spy profile of a stage (``run.py --profile STAGE``) as tables.

    .venv/bin/python benchmarks/scale/spy.py PROFILE.txt [--top 25]

The file holds py-spy's collapsed stacks (``--format raw``) of the stage's process and its pool
workers. Printed: samples per process role (the stage's own process, its workers), then the
functions of ``pipeline/`` by inclusive share (where the time goes, in our terms) and every
function by self share (what actually runs: our code, scikit-learn, lxml, zlib...), each as a
share of all samples. py-spy records only threads on the CPU (not ``--idle``), so a worker
waiting for work or the parent waiting for results is not counted.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:()]*)(?::\d+)?\)$")


def parse(path: Path) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    roles: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    working = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        code = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not code:
            continue
        working += n
        roles["worker" if len(processes) > 1 else "stage process"] += n
        seen = set()
        for frame in code:
            m = FRAME.match(frame)
            name = f"{m['func']} ({_short(m['file'])})" if m else frame
            if m and "pipeline/" in m["file"] and name not in seen:
                inclusive[name] += n
                seen.add(name)
        m = FRAME.match(code[-1])
        own[f"{m['func']} ({_short(m['file'])})" if m else code[-1]] += n
    return roles, inclusive, own, working


def _short(file: str) -> str:
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    roles, inclusive, own, working = parse(args.profile)
    print(f"{working:,} samples on the CPU; " + ", ".join(
        f"{role} {n / working:.0%}" for role, n in roles.most_common()
    ))  # fmt: skip
    for title, counter in (("inclusive, pipeline/", inclusive), ("self, everything", own)):
        print(f"\n| {title} | share |\n|---|---:|")
        for name, n in counter.most_common(args.top):
            print(f"| `{name}` | {n / working:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
