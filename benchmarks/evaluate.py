"""Score a scan of the evaluation set against its labels.

    python benchmarks/evaluate.py DIR [--jobs N] [--mode detector|scan] [--ocr always|auto|never] [--json OUT]
                                       [--markdown OUT]

DIR holds ``labels.json`` and the cases (``python -m benchmarks.evalset.generate``).

``--mode scan`` (the default) scans every case with ``htq_mark.scanner.scan`` on the
labels' date and scores marks and findings. ``--mode detector`` runs only the
detector (``find_marks``) on images and on PDF pages rendered at 200 dpi, and
scores marks.

Matching: a reported mark matches an expected mark on the same page when the
IoU of their boxes is at least 0.5, or when the reported box's centre lies
inside the expected box and its width and height are each within 25% of the
expected ones. Pairs are matched greedily, best IoU first, one to one.

Scores:
- detection recall: matched expected marks / expected marks, overall, by
  condition (every tag of a case or mark) and by size (px for images, mm for PDFs);
- mark precision: reported marks that match an expected mark / reported marks
  (reports on cases without marks count against it);
- rule recall: an expected rule is found when a finding with that rule is on the
  same page and, for a rule about a mark, belongs to the matched mark (its id,
  or a box overlapping the expected box);
- false alarms on compliant marks: compliant marks that were found and carry an
  error finding (of their own, or a page-level one on a page that should have
  none) / compliant marks found;
- no-mark check: marks reported on cases that contain none.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["Prediction", "Reported", "evaluate", "main", "match_marks", "render_markdown", "score"]

DETECTOR_PDF_DPI = 200.0
IMAGE_BUCKETS = ((48, 90), (90, 150), (150, 300), (300, 600), (600, float("inf")))
PDF_BUCKETS_MM = ((6, 11.5), (11.5, 25), (25, 50), (50, float("inf")))
RECALL_TARGET_OVERALL = 0.995
RECALL_TARGET_CONDITION = 0.98
RULE_RECALL_TARGET = 0.98
FALSE_ALARM_TARGET = 0.01

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Reported:
    """A mark a scan reported."""

    id: str
    page: int
    bbox: Box
    variant: str | None
    confidence: float


@dataclass(frozen=True)
class Prediction:
    """What a scan reported for one case."""

    case: str
    status: str
    marks: tuple[Reported, ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    seconds: float = 0.0


# ---------------------------------------------------------------- matching

def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def matches(expected: Box, reported: Box) -> bool:
    """The matching rule (see the module's docstring)."""
    if iou(expected, reported) >= 0.5:
        return True
    cx, cy = (reported[0] + reported[2]) / 2, (reported[1] + reported[3]) / 2
    inside = expected[0] <= cx <= expected[2] and expected[1] <= cy <= expected[3]
    ew, eh = expected[2] - expected[0], expected[3] - expected[1]
    rw, rh = reported[2] - reported[0], reported[3] - reported[1]
    return inside and ew > 0 and eh > 0 and abs(rw / ew - 1) <= 0.25 and abs(rh / eh - 1) <= 0.25


def match_marks(expected: Sequence[dict[str, Any]], reported: Sequence[Reported]) -> dict[int, int]:
    """Expected mark index -> reported mark index, greedy by IoU, one to one, same page only."""
    pairs = []
    for ei, e in enumerate(expected):
        box = _box(e["bbox"])
        for ri, r in enumerate(reported):
            if r.page == e["page"] and matches(box, r.bbox):
                pairs.append((iou(box, r.bbox), ei, ri))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    taken_e: dict[int, int] = {}
    taken_r: set[int] = set()
    for _, ei, ri in pairs:
        if ei not in taken_e and ri not in taken_r:
            taken_e[ei] = ri
            taken_r.add(ri)
    return taken_e


# ---------------------------------------------------------------- running a scan

def _bbox_of(corners: Iterable[Sequence[float]], scale: float = 1.0) -> Box:
    points = [(float(x) * scale, float(y) * scale) for x, y in corners]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _detect_chunk(root: str, cases: list[dict[str, Any]]) -> list[Prediction]:
    """Run the detector alone on some cases (one process; references built once)."""
    import numpy as np

    from benchmarks.evalset.preview import load_page
    from htq_mark.kit import load_kit
    from htq_mark.scanner._detect import build_references, find_marks

    kit = load_kit()
    refs = build_references(kit)
    out = []
    for case in cases:
        started = time.perf_counter()
        try:
            dpi = DETECTOR_PDF_DPI if case["unit"] == "pt" else 72.0
            rgb, scale = load_page(Path(root) / case["file"], case["unit"], dpi)
            found = find_marks(np.ascontiguousarray(rgb), refs, spec=kit.spec)
            marks = tuple(Reported(f"m{i + 1}", 1, _bbox_of(d.corners, 1 / scale), d.variant, d.confidence)
                          for i, d in enumerate(found))
            out.append(Prediction(case["id"], "ok", marks, (), None, time.perf_counter() - started))
        except Exception as exc:  # a crash is a result to report, not a reason to stop scoring
            out.append(Prediction(case["id"], "crash", error=f"{type(exc).__name__}: {exc}",
                                  seconds=time.perf_counter() - started))
    return out


def run_detector(root: Path, cases: list[dict[str, Any]], jobs: int) -> list[Prediction]:
    """Predictions of the detector alone, ``jobs`` processes."""
    chunks = [cases[i::jobs * 2] for i in range(jobs * 2)]
    chunks = [c for c in chunks if c]
    if jobs <= 1:
        results = [_detect_chunk(str(root), cases)]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_detect_chunk, [str(root)] * len(chunks), chunks))
    by_id = {p.case: p for chunk in results for p in chunk}
    return [by_id[c["id"]] for c in cases]


def run_scan(root: Path, cases: list[dict[str, Any]], jobs: int, on_date: str, ocr: str = "auto"
             ) -> list[Prediction]:
    """Predictions of the whole scanner (``htq_mark.scanner.scan``) on the labels' date."""
    from htq_mark.scanner import scan

    paths = [str(root / c["file"]) for c in cases]
    report = scan(paths, on=on_date, jobs=jobs, ocr=ocr)  # type: ignore[arg-type]
    by_path = {d.path: d for d in report.documents}
    out = []
    for case, path in zip(cases, paths):
        document = by_path.get(path)
        if document is None:
            out.append(Prediction(case["id"], "missing", error="not in the scan report"))
            continue
        marks = tuple(Reported(m.id, m.page, tuple(m.bbox), m.variant, m.confidence)  # type: ignore[arg-type]
                      for m in document.marks)
        findings = tuple(f.to_dict() for f in document.findings)
        error = None if document.error is None else f"{document.error.code}: {document.error.message}"
        out.append(Prediction(case["id"], document.status, marks, findings, error, document.elapsed_s))
    return out


# ---------------------------------------------------------------- scoring

@dataclass
class _Tally:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += int(hit)

    @property
    def rate(self) -> float | None:
        return None if self.total == 0 else self.hits / self.total

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "total": self.total,
                "rate": None if self.rate is None else round(self.rate, 4)}


@dataclass
class _Scores:
    recall: _Tally = field(default_factory=_Tally)
    by_condition: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    by_size: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    by_medium: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    precision: _Tally = field(default_factory=_Tally)
    rules: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    false_alarms: _Tally = field(default_factory=_Tally)
    false_alarm_rules: Counter[str] = field(default_factory=Counter)
    extra_rules: Counter[str] = field(default_factory=Counter)
    severity_mismatches: int = 0
    no_mark_cases: int = 0
    no_mark_reports: int = 0
    unreadable: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    missed_rules: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)


def _box(values: Sequence[float]) -> Box:
    return float(values[0]), float(values[1]), float(values[2]), float(values[3])


def _size_bucket(case: dict[str, Any], mark: dict[str, Any]) -> str:
    buckets: Sequence[tuple[float, float]]
    if case["unit"] == "px":
        value, buckets, unit = mark["width"], IMAGE_BUCKETS, "px"
    else:
        value, buckets, unit = mark["width_mm"], PDF_BUCKETS_MM, "mm"
    for low, high in buckets:
        if low <= value < high:
            return f"{unit} {low:g}-{high:g}" if high != float("inf") else f"{unit} {low:g}+"
    return f"{unit} <{buckets[0][0]:g}"


def _finding_on_mark(finding: dict[str, Any], expected: dict[str, Any], reported: Reported | None) -> bool:
    if finding["page"] != expected["page"]:
        return False
    if reported is not None and finding.get("mark") == reported.id:
        return True
    box = finding.get("bbox")
    if finding.get("mark") is None and box is not None:
        return iou(_box(box), _box(expected["bbox"])) >= 0.3 or matches(_box(expected["bbox"]), _box(box))
    return False


def score(labels: dict[str, Any], predictions: Sequence[Prediction], with_rules: bool) -> dict[str, Any]:
    """Every score of the module's docstring, as a JSON-ready dict."""
    s = _Scores()
    by_case = {p.case: p for p in predictions}
    for case in labels["cases"]:
        prediction = by_case[case["id"]]
        if prediction.status != "ok":
            s.unreadable.append(f"{case['id']}: {prediction.status} {prediction.error}")
        expected = case["marks"]
        reported = list(prediction.marks)
        pairing = match_marks(expected, reported)
        for ri, r in enumerate(reported):
            hit = ri in pairing.values()
            s.precision.add(hit)
            if not hit:
                s.spurious.append(f"{case['id']} p{r.page} {[round(v, 1) for v in r.bbox]} conf {r.confidence:.2f}")
        if not expected:
            s.no_mark_cases += 1
            s.no_mark_reports += len(reported)
        for ei, mark in enumerate(expected):
            found = ei in pairing
            tags = list(dict.fromkeys(list(case["conditions"]) + list(mark["conditions"])))
            s.recall.add(found)
            for tag in tags:
                s.by_condition[tag].add(found)
            s.by_size[_size_bucket(case, mark)].add(found)
            s.by_medium[case["medium"]].add(found)
            if not found:
                s.missed.append(f"{case['id']} ({case['condition']}) {[round(v, 1) for v in mark['bbox']]}")
        if not with_rules:
            continue
        page_rules = {(r["rule"], r["page"]) for r in case["rules"] if r["mark"] is None}
        allowed = set(case.get("details", {}).get("also_allowed", []))
        for rule in case["rules"]:
            if rule["mark"] is None:
                hits = [f for f in prediction.findings if f["rule"] == rule["rule"] and f["page"] == rule["page"]]
            else:
                mark = expected[rule["mark"]]
                partner = reported[pairing[rule["mark"]]] if rule["mark"] in pairing else None
                hits = [f for f in prediction.findings
                        if f["rule"] == rule["rule"] and _finding_on_mark(f, mark, partner)] \
                    if partner is not None else []
            s.rules[rule["rule"]].add(bool(hits))
            if not hits:
                s.missed_rules.append(f"{case['id']} {rule['rule']}")
            elif all(f["severity"] != rule["severity"] for f in hits):
                s.severity_mismatches += 1
        for ei, mark in enumerate(expected):
            partner = reported[pairing[ei]] if ei in pairing else None
            # Findings the page is expected to have (text rules) are not alarms on its marks.
            mine = [f for f in prediction.findings if _finding_on_mark(f, mark, partner)
                    and (f["rule"], f["page"]) not in page_rules and f["rule"] not in allowed] \
                if partner is not None else []
            page_level = [f for f in prediction.findings if f.get("mark") is None and f.get("bbox") is None
                          and f["page"] == mark["page"] and (f["rule"], f["page"]) not in page_rules
                          and f["rule"] not in allowed]
            if mark["rules"]:
                s.extra_rules.update(f["rule"] for f in mine if f["rule"] not in mark["rules"])
                continue
            if partner is None:
                continue
            errors = [f for f in mine + page_level if f["severity"] == "error"]
            s.false_alarms.add(bool(errors))
            if errors:
                s.false_alarm_rules.update(f["rule"] for f in errors)
                s.alarms.append(f"{case['id']} ({case['condition']}): "
                                + "; ".join(f"{f['rule']}: {f['message']}" for f in errors))
    targets = set(labels.get("target_conditions", []))
    return {
        "cases": len(labels["cases"]),
        "expected_marks": s.recall.total,
        "detection_recall": s.recall.to_dict(),
        "recall_by_condition": {k: {**v.to_dict(), "target": k in targets} for k, v in sorted(s.by_condition.items())},
        "recall_by_size": {k: v.to_dict() for k, v in sorted(s.by_size.items(), key=lambda kv: _bucket_key(kv[0]))},
        "recall_by_medium": {k: v.to_dict() for k, v in sorted(s.by_medium.items())},
        "mark_precision": s.precision.to_dict(),
        "rule_recall": {k: v.to_dict() for k, v in sorted(s.rules.items())} if with_rules else None,
        "rule_recall_overall": _sum(s.rules.values()).to_dict() if with_rules else None,
        "severity_mismatches": s.severity_mismatches if with_rules else None,
        "false_alarms_on_compliant": s.false_alarms.to_dict() if with_rules else None,
        "false_alarm_rules": dict(s.false_alarm_rules) if with_rules else None,
        "extra_rules_on_misuse": dict(s.extra_rules) if with_rules else None,
        "no_mark_cases": s.no_mark_cases,
        "marks_on_no_mark_cases": s.no_mark_reports,
        "unreadable": s.unreadable,
        "missed_marks": s.missed,
        "spurious_marks": s.spurious,
        "missed_rules": s.missed_rules if with_rules else None,
        "false_alarms": s.alarms if with_rules else None,
    }


def _bucket_key(name: str) -> tuple[str, float]:
    unit, _, rest = name.partition(" ")
    number = rest.split("-")[0].rstrip("+").lstrip("<")
    return unit, float(number)


def _sum(tallies: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for t in tallies:
        total.hits += t.hits
        total.total += t.total
    return total


# ---------------------------------------------------------------- output

def _fmt(tally: dict[str, Any]) -> str:
    rate = tally["rate"]
    return "-" if rate is None else f"{rate:.3f} ({tally['hits']}/{tally['total']})"


def _ok(rate: float | None, target: float, at_most: bool = False) -> str:
    if rate is None:
        return ""
    return "yes" if (rate <= target if at_most else rate >= target) else "**no**"


def render_markdown(result: dict[str, Any]) -> str:
    """The scores as Markdown tables (for the README)."""
    heading = (f"Evaluation set: {result['set']} (seed {result['seed']}), {result['cases']} cases, "
               f"{result['expected_marks']} marks; mode `{result['mode']}`, {result['seconds']:.0f} s with "
               f"{result['jobs']} job(s).")
    lines = [heading, ""]
    lines += ["| measure | value | target | met |", "|---|---|---|---|"]
    recall = result["detection_recall"]
    lines.append(f"| detection recall | {_fmt(recall)} | >= {RECALL_TARGET_OVERALL} | "
                 f"{_ok(recall['rate'], RECALL_TARGET_OVERALL)} |")
    lines.append(f"| mark precision | {_fmt(result['mark_precision'])} | | |")
    if result["rule_recall_overall"] is not None:
        rr = result["rule_recall_overall"]
        lines.append(f"| rule recall (all rules) | {_fmt(rr)} | >= {RULE_RECALL_TARGET} each | |")
        fa = result["false_alarms_on_compliant"]
        lines.append(f"| false alarms on compliant marks | {_fmt(fa)} | <= {FALSE_ALARM_TARGET} | "
                     f"{_ok(fa['rate'], FALSE_ALARM_TARGET, at_most=True)} |")
    lines.append(f"| marks reported on no-mark cases | {result['marks_on_no_mark_cases']} "
                 f"(in {result['no_mark_cases']} cases) | 0 | "
                 f"{'yes' if result['marks_on_no_mark_cases'] == 0 else '**no**'} |")
    lines.append(f"| unreadable or crashed cases | {len(result['unreadable'])} | 0 | "
                 f"{'yes' if not result['unreadable'] else '**no**'} |")
    lines += ["", "| condition | detection recall | target | met |", "|---|---|---|---|"]
    for name, tally in result["recall_by_condition"].items():
        target = f">= {RECALL_TARGET_CONDITION}" if tally["target"] else ""
        met = _ok(tally["rate"], RECALL_TARGET_CONDITION) if tally["target"] else ""
        lines.append(f"| {name} | {_fmt(tally)} | {target} | {met} |")
    lines += ["", "| mark width | detection recall |", "|---|---|"]
    lines += [f"| {name} | {_fmt(tally)} |" for name, tally in result["recall_by_size"].items()]
    if result["rule_recall"] is not None:
        lines += ["", "| rule | recall | target | met |", "|---|---|---|---|"]
        for name, tally in result["rule_recall"].items():
            lines.append(f"| `{name}` | {_fmt(tally)} | >= {RULE_RECALL_TARGET} | "
                         f"{_ok(tally['rate'], RULE_RECALL_TARGET)} |")
    return "\n".join(lines) + "\n"


def stale_labels(labels: dict[str, Any]) -> list[str]:
    """Why the labels may not fit this checkout: made with another kit or register."""
    from htq_mark.kit import load_kit
    from htq_mark.register import default_register

    problems = []
    if labels.get("kit", {}).get("sha256") != load_kit().sha256:
        problems.append("the set was generated with another kit; generate it again")
    if labels.get("register", {}).get("sha256") != default_register().provenance.sha256:
        problems.append("the set was generated with another register; its text cases may be labelled wrongly")
    return problems


def evaluate(root: Path, mode: str = "scan", jobs: int = 1, limit: int | None = None, ocr: str = "auto"
             ) -> dict[str, Any]:
    """Scan the set in ``root`` and score it."""
    labels_path = root / "labels.json"
    if not labels_path.is_file():
        raise FileNotFoundError(f"{labels_path}: no labels; generate the set first with "
                                f"python -m benchmarks.evalset.generate --out {root}")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    for problem in stale_labels(labels):
        print(f"warning: {problem}", file=sys.stderr)
    if limit is not None:
        labels["cases"] = labels["cases"][:limit]
    started = time.perf_counter()
    if mode == "detector":
        predictions = run_detector(root, labels["cases"], jobs)
    else:
        predictions = run_scan(root, labels["cases"], jobs, labels["on_date"], ocr)
    seconds = time.perf_counter() - started
    result = score(labels, predictions, with_rules=mode == "scan")
    result.update(mode=mode, jobs=jobs, seconds=round(seconds, 2), set=labels["size"], seed=labels["seed"],
                  root=str(root))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/evaluate.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="folder holding labels.json and the cases")
    parser.add_argument("--mode", choices=("scan", "detector"), default="scan")
    parser.add_argument("--ocr", choices=("always", "auto", "never"), default="auto",
                        help="where the scanner reads text in pictures (as htq-mark scan --ocr)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N cases")
    parser.add_argument("--json", type=Path, default=None, help="write the scores as JSON here "
                        "(default: DIR/evaluation-<mode>.json)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the Markdown tables here")
    parser.add_argument("--details", action="store_true", help="print missed marks, spurious marks, "
                        "missed rules and false alarms")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from htq_mark._io import write_atomic

    try:
        result = evaluate(args.root, args.mode, max(1, args.jobs), args.limit, args.ocr)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    markdown = render_markdown(result)
    print(markdown)
    if args.details:
        for key in ("unreadable", "missed_marks", "spurious_marks", "missed_rules", "false_alarms"):
            if result.get(key):
                print(f"{key}:")
                for line in result[key]:
                    print(f"  {line}")
    json_path = args.json or args.root / f"evaluation-{args.mode}.json"
    write_atomic(json_path, (json.dumps(result, indent=1) + "\n").encode(), force=True)
    if args.markdown:
        write_atomic(args.markdown, markdown.encode(), force=True)
    print(f"scores written to {json_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
