"""Benchmark: load a 50,000-row register and check 1,000,000 IDs.

Run with ``python benchmarks/bench_register.py`` (``--rows`` and ``--checks``
change the sizes). The register is generated at run time. Times per check are
reported as ratios to a bare ``dict`` lookup of the same IDs in the same run
(goal: under 10x):

- ``fresh``: 1,000,000 checks on a freshly loaded register, so each distinct ID
  is decided for the first time once and then answered from the register's memo;
- ``repeat``: the same 1,000,000 checks again;
- ``mixed``: the same IDs written in four spellings (obliques, none, spaces, hyphens);
- ``first-time only``: one check of each of the 50,000 IDs on a fresh register.

Loading is reported per row (best of three), as a ratio to ``csv.reader`` reading the
same file in the same run, and with the memory it holds per row (``tracemalloc``). A
register of more than ``MAX_REGISTER_ROWS`` rows is refused: the time to refuse one
row over the limit is reported too.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from htq_mark.errors import RegisterError
from htq_mark.register import ROUTES, QualificationRecord, Register, load_register
from htq_mark.register._loader import MAX_REGISTER_ROWS
from htq_mark.register._export import records_to_csv
from htq_mark.register._qualification_id import ofqual_check_character
from htq_mark.register._routes import CYCLES

ON = date(2026, 11, 23)


def _records(count: int) -> list[QualificationRecord]:
    records = []
    for number in range(count):
        head = 100 + number // 10_000
        middle = f"{number % 10_000:04d}"
        cycle = 4 + number % 2
        withdrawn = number % 7 == 0
        records.append(QualificationRecord(
            qualification_id=f"{head:03d}/{middle}/{ofqual_check_character(f'{head}{middle}')}",
            title=f"Level 4 Higher Technical Certificate in Subject {number}",
            awarding_body=f"Awarding Body {number % 40}",
            level=4 + number % 2,
            route=ROUTES[number % len(ROUTES)].name,
            standards=(f"ST{number % 10_000:04d}",),
            cycle=cycle,
            approval_date=date(2024, 11, 4),
            first_teaching_date=CYCLES[cycle].first_teaching_dates[-1],
            withdrawal_date=date(2026, 3, 31) if withdrawn else None,
            withdrawal_reason="occupational standard retired" if withdrawn else None,
        ))
    return records


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _checker(register: Register, ids: list[str]) -> Callable[[], None]:
    def run() -> None:
        check = register.check
        for qn in ids:
            check(qn, ON)
    return run


def _lookup(table: dict[str, QualificationRecord], ids: list[str]) -> Callable[[], None]:
    def run() -> None:
        get = table.get
        for qn in ids:
            get(qn)
    return run


def _spelling(canonical: str, number: int) -> str:
    return (canonical, canonical.replace("/", ""), canonical.replace("/", " "),
            canonical.replace("/", "-"))[number % 4]


def _refused(path: Path) -> None:
    try:
        load_register(path)
    except RegisterError as exc:
        assert "rows" in str(exc), exc
        return
    raise AssertionError(f"{path} was loaded past the row limit")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Register load and check benchmark.")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--checks", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    records = _records(args.rows)
    known = [record.qualification_id for record in records]
    table = dict(zip(known, records, strict=True))
    rng = random.Random(20261123)
    # One check in twenty is for a well-formed number that is not on the register.
    ids = [rng.choice(known) if n % 20 else f"998/{n % 10_000:04d}/1"
           for n in range(args.checks)]
    mixed = [_spelling(qn, n) for n, qn in enumerate(ids)]
    first_time = rng.sample(known, len(known))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.csv"
        path.write_bytes(records_to_csv(records))
        load = min(_seconds(lambda: load_register(path)) for _ in range(3))
        bare_load = min(_seconds(lambda: list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8")))))
                        for _ in range(3))
        fresh_register = load_register(path)
        first_register = load_register(path)
        tracemalloc.start()
        held = load_register(path)
        held_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del held
        over = Path(folder) / "over.csv"
        over.write_bytes(records_to_csv(_records(MAX_REGISTER_ROWS + 1)))
        refusal = _seconds(lambda: _refused(over))
        huge = Path(folder) / "huge.csv"
        short = dataclasses.replace(records[1], title="T", awarding_body="A")  # about 100 bytes a row
        header, first_row = records_to_csv([short]).split(b"\n")[:2]
        huge.write_bytes(header + b"\n" + (first_row + b"\n") * 2_000_000)
        huge_refusal = _seconds(lambda: _refused(huge))
        huge_bare = min(_seconds(lambda: huge.read_bytes().count(b"\n")) for _ in range(3))

    bare = min(_seconds(_lookup(table, ids)) for _ in range(3))
    fresh = _seconds(_checker(fresh_register, ids))
    repeat = min(_seconds(_checker(fresh_register, ids)) for _ in range(2))
    _checker(fresh_register, mixed)()
    mixed_time = min(_seconds(_checker(fresh_register, mixed)) for _ in range(2))
    bare_first = min(_seconds(_lookup(table, first_time)) for _ in range(3))
    first = _seconds(_checker(first_register, first_time))

    def line(label: str, seconds: float, count: int, baseline: float) -> str:
        return (f"{label:<24}{seconds / count * 1e9:8.0f} ns per check  "
                f"{seconds / baseline:5.1f}x the dict lookup")

    print(f"register rows            {args.rows:,}")
    print(f"load                     {load:.2f} s, {load / args.rows * 1e6:.1f} us per row, "
          f"{load / bare_load:.1f}x csv.reader on the same file ({bare_load / args.rows * 1e6:.1f} us per row)")
    print(f"memory held              {held_bytes / args.rows:.0f} bytes per row")
    print(f"row limit                {MAX_REGISTER_ROWS:,} rows; {MAX_REGISTER_ROWS + 1:,} refused in {refusal:.1f} s "
          f"({refusal / load * args.rows / (MAX_REGISTER_ROWS + 1):.2f}x the per-row load time)")
    print(f"2,000,000-row file       refused in {huge_refusal:.2f} s, {huge_refusal / huge_bare:.1f}x reading it "
          "and counting its lines")
    print(f"bare dict lookup         {bare / len(ids) * 1e9:8.0f} ns per ID ({len(ids):,} IDs)")
    print(line("check, fresh register", fresh, len(ids), bare))
    print(line("check, repeat", repeat, len(ids), bare))
    print(line("check, mixed spellings", mixed_time, len(ids), bare))
    print(line("check, first time only", first, len(first_time), bare_first))
    return 0


if __name__ == "__main__":
    sys.exit(main())
