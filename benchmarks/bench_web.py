"""How fast htq-mark scans web pages, against the browser's own time to load and capture them, and a crawl's cost.

    python benchmarks/bench_web.py [--pages N] [--crawl-pages N] [--json OUT]

- Pages: the first N pages of the web evaluation set (built into a temporary
  folder, served from 127.0.0.1). Baseline: the same Chromium, driven by
  Playwright, loads each page and takes a full-page screenshot at the same two
  viewports (1280 and 390 CSS px, at their device pixel ratios) in a fresh
  context, nothing else; once more at device pixel ratio 1 for both, to show
  what the ratios cost. htq-mark:
  ``WebScanner.scan`` of each page (fetch, robots.txt, render, scroll, DOM,
  detector, rules). Reported: pages per second of each and the ratio of
  htq-mark's time per page to the baseline's (goal: at most 1.5x).
- Crawl: a generated site of N linked course pages (each with a mark and links
  to the next pages) crawled by ``htq-mark scan --crawl`` in a subprocess; its
  wall time, time per page against the baseline's, and the peak resident memory
  of htq-mark plus the browser (every process of the command's tree, sampled
  every 50 ms; goal: under 2 GiB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.evaluate_web import emit, serve_folder

__all__ = ["baseline_seconds", "build_crawl_site", "htq_mark_seconds", "main", "tree_rss_bytes"]


def baseline_seconds(urls: list[str], device_pixel_ratios: tuple[float, ...] | None = None) -> float:
    """Seconds Playwright's Chromium takes to load and screenshot each URL at both viewports (at their own
    device pixel ratios, or at ``device_pixel_ratios``)."""
    from playwright.sync_api import sync_playwright

    from htq_mark.web import VIEWPORTS, find_chromium
    from htq_mark.web._browser import _FLAGS

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=find_chromium(), args=list(_FLAGS))
        started = time.perf_counter()
        for url in urls:
            for number, viewport in enumerate(VIEWPORTS):
                ratio = viewport.device_pixel_ratio if device_pixel_ratios is None else device_pixel_ratios[number]
                context = browser.new_context(viewport={"width": viewport.width, "height": viewport.height},
                                              device_scale_factor=ratio)
                page = context.new_page()
                page.goto(url, wait_until="load")
                page.screenshot(full_page=True, type="png")
                context.close()
        seconds = time.perf_counter() - started
        browser.close()
    return seconds


def htq_mark_seconds(urls: list[str]) -> float:
    """Seconds htq-mark takes to scan each URL (the browser already started, as the baseline's is)."""
    from htq_mark.web import WebOptions, WebScanner

    with WebScanner(options=WebOptions(allow_private=True, delay=0.0)) as scanner:
        scanner.browser.check()
        started = time.perf_counter()
        for url in urls:
            result = scanner.scan(url).result
            if result.status != "ok":
                raise RuntimeError(f"{url}: {result.error}")
        return time.perf_counter() - started


def build_crawl_site(root: Path, pages: int) -> None:
    """``pages`` course pages, each with the mark, a QN and links to the next three (a wide, shallow site)."""
    from benchmarks.webset.generate import ENTITLED_QN, _png

    (root / "img").mkdir(parents=True, exist_ok=True)
    data, height = _png("colour", 300)
    (root / "img" / "mark.png").write_bytes(data)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    for number in range(pages):
        links = " ".join(f'<a href="/p{n}.html">Course {n}</a>' for n in range(number + 1, min(pages, number + 4)))
        (root / f"p{number}.html").write_text(
            f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Course {number}</title></head>"
            f"<body style='margin:40px;font:16px sans-serif'><h1>Course {number}</h1>"
            f"<p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>"
            f"<div style='padding:60px'><img src='/img/mark.png' width=300 height={height} alt='HTQ mark'></div>"
            f"<p>{links}</p></body></html>", encoding="utf-8")


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {root_pid}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def crawl_run(base: str, pages: int, out: Path) -> dict[str, Any]:
    """Wall time and peak tree memory of ``htq-mark scan --crawl`` over the generated site."""
    command = [sys.executable, "-m", "htq_mark", "scan", "--crawl", "--allow-private", "--delay", "0",
               "--max-pages", str(pages), "--format", "json", "-o", str(out), "--force", f"{base}/p0.html"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1])
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_bytes(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    report = json.loads(out.read_text(encoding="utf-8"))
    return {"pages": len(report["documents"]), "ok": sum(d["status"] == "ok" for d in report["documents"]),
            "wall_s": round(seconds, 1), "peak_rss_mib": round(peak / 2**20), "exit": process.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--crawl-pages", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    from benchmarks.webset.generate import build

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="htq-bench-web-") as scratch:
        webset = Path(scratch) / "set"
        labels = build(webset)
        with serve_folder(webset) as base:
            urls = [f"{base}/{case['file']}" for case in labels["cases"][:args.pages]]
            htq_mark_seconds(urls[:2])  # warm up: first imports, the detector's references
            baseline = baseline_seconds(urls)
            ours = htq_mark_seconds(urls)
            at_one = baseline_seconds(urls, (1.0, 1.0))
        result["pages"] = {"count": len(urls), "baseline_pages_per_s": round(len(urls) / baseline, 2),
                           "htq_mark_pages_per_s": round(len(urls) / ours, 2),
                           "ratio_to_baseline": round(ours / baseline, 2), "goal": 1.5,
                           # What the viewports' device pixel ratios cost the browser itself, against 1 for both.
                           "baseline_ratio_to_dpr_1": round(baseline / at_one, 2)}
        site = Path(scratch) / "crawl"
        build_crawl_site(site, args.crawl_pages)
        with serve_folder(site) as base:
            crawl = crawl_run(base, args.crawl_pages, Path(scratch) / "crawl.json")
        crawl["per_page_s"] = round(crawl["wall_s"] / max(crawl["pages"], 1), 3)
        crawl["per_page_ratio_to_baseline"] = round(crawl["per_page_s"] / (baseline / len(urls)), 2)
        crawl["memory_goal_mib"] = 2048
        result["crawl"] = crawl
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
