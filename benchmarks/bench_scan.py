"""How fast the scanner is, as ratios to baselines measured in the same run, and its peak memory.

    python benchmarks/bench_scan.py [--corpus DIR] [--limit N] [--images DIR]... [--jobs N] [--ocr MODE]
                                    [--json OUT]
    python benchmarks/bench_scan.py --whole [--repeat N] [--ocr always|auto|never] [--corpus DIR] [--limit N]
                                    [--images DIR]...

- PDFs (the shared corpus): pages per second, and the ratio of scan time to the
  time pypdfium2 alone takes to render the same pages at the scanner's resolution
  (``spec.scan.render_dpi``, lowered for huge pages exactly as the scanner does).
  Goal: at most 3x.
- Images (the PNG and JPEG cases of an evaluation set, or of several when
  ``--images`` is repeated; a small set is generated into a temporary folder
  when it is not given): the ratio of scan time to decoding them with Pillow.
  Goal: at most 3x.
- Peak memory: the largest resident set of ``htq-mark scan --jobs 1`` and
  ``--jobs 2`` and their worker processes (from ``wait4``), on the same inputs.
- Whole process (``--whole``): ``htq-mark scan --jobs 1`` timed from outside, start-up,
  reading, hashing and report writing included, against one fresh Python process
  that renders the same PDFs' pages with pypdfium2 at the render resolution, or
  decodes the same images with Pillow. Goals: at most 2.0x (PDFs) and 2.5x (images). The CPU
  time of each side (user and system, of every process it waited for) is given too: on a
  machine shared with other work it varies far less than wall time.

Both ratios are given twice: wall time with the same number of processes on
each side, and the sum of per-document times (which leaves out start-up, such
as building the detector's references once per batch). The package is
byte-compiled first, as an installed copy is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus_false_positives import corpus_files, default_corpus
from htq_mark.scanner._ocr import OcrMode

__all__ = ["bench_images", "bench_memory", "bench_pdfs", "bench_whole_process", "main"]

GOAL_RATIO = 3.0
REPO = Path(__file__).resolve().parents[1]


def _render_document(path: str, pages: int) -> tuple[float, int]:
    """Render the first ``pages`` pages of one PDF as the scanner would; returns (seconds, pages)."""
    import numpy as np
    import pypdfium2 as pdfium

    from htq_mark.kit import load_kit
    from htq_mark.scanner._limits import DEFAULT_LIMITS
    from htq_mark.scanner._pdf.render import render_dpi_for

    dpi = float(load_kit().spec.scan.render_dpi)
    started = time.perf_counter()
    rendered = 0
    document = pdfium.PdfDocument(path)
    try:
        for index in range(min(pages, len(document))):
            try:
                page = document[index]
                width, height = page.get_size()
                scale = render_dpi_for(width, height, dpi, DEFAULT_LIMITS.max_render_pixels) / 72
                bitmap = page.render(scale=scale, rev_byteorder=True, draw_annots=True)
            except Exception:  # a page pdfium cannot draw costs the baseline nothing more
                continue
            np.array(bitmap.to_numpy()[..., :3], dtype=np.uint8, copy=True)
            bitmap.close()
            rendered += 1
    finally:
        document.close()
    return time.perf_counter() - started, rendered


def _decode_image(path: str) -> float:
    import numpy as np
    from PIL import Image

    started = time.perf_counter()
    with Image.open(path) as picture:
        np.asarray(picture.convert("RGB"))
    return time.perf_counter() - started


def _pool_map(function: Any, jobs: int, *iterables: Sequence[Any]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(function, *iterables))
    return time.perf_counter() - started, results


def _scan(paths: Sequence[str], jobs: int, ocr: OcrMode) -> tuple[float, Any]:
    from htq_mark.scanner import scan

    started = time.perf_counter()
    report = scan(list(paths), jobs=jobs, ocr=ocr)
    return time.perf_counter() - started, report


def bench_pdfs(files: Sequence[Path], jobs: int, ocr: OcrMode = "auto") -> dict[str, Any]:
    """Scan time against pypdfium2 rendering the same pages at the scanner's resolution."""
    scan_wall, report = _scan([str(f) for f in files], jobs, ocr)
    readable = [(d.path, len(d.pages)) for d in report.documents if d.status == "ok" and d.pages]
    render_wall, renders = _pool_map(_render_document, jobs, [p for p, _ in readable], [n for _, n in readable])
    pages = sum(n for _, n in readable)
    rendered = sum(n for _, n in renders)
    scan_sum = sum(d.elapsed_s for d in report.documents if d.status == "ok" and d.pages)
    render_sum = sum(seconds for seconds, _ in renders)
    return {"documents": len(files), "documents_read": len(readable), "pages": pages,
            "pages_pdfium_could_render": rendered, "jobs": jobs,
            "scan_seconds": round(scan_wall, 2), "render_seconds": round(render_wall, 2),
            "pages_per_second": round(pages / scan_wall, 2) if scan_wall else None,
            "ratio_wall": round(scan_wall / render_wall, 2) if render_wall else None,
            "ratio_per_document": round(scan_sum / render_sum, 2) if render_sum else None,
            "marks": sum(len(d.marks) for d in report.documents)}


def bench_images(files: Sequence[Path], jobs: int, ocr: OcrMode = "auto") -> dict[str, Any]:
    """Scan time against Pillow decoding the same images."""
    scan_wall, report = _scan([str(f) for f in files], jobs, ocr)
    decode_wall, decodes = _pool_map(_decode_image, jobs, [str(f) for f in files])
    scan_sum = sum(d.elapsed_s for d in report.documents)
    return {"images": len(files), "jobs": jobs, "scan_seconds": round(scan_wall, 2),
            "decode_seconds": round(decode_wall, 2),
            "images_per_second": round(len(files) / scan_wall, 2) if scan_wall else None,
            "ratio_wall": round(scan_wall / decode_wall, 2) if decode_wall else None,
            "ratio_per_document": round(scan_sum / sum(decodes), 2) if sum(decodes) else None}


def bench_memory(paths: Sequence[Path], jobs: int, ocr: OcrMode = "auto") -> dict[str, Any]:
    """Peak RSS (MiB) of ``htq-mark scan --jobs N`` and its workers, and its wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "htq_mark", "scan", *map(str, paths), "--format", "json",
                   "-o", str(Path(tmp) / "report.json"), "--jobs", str(jobs), "--fail-on", "never", "--ocr", ocr]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # wait4 reports the child's peak together with its own waited-for children (the workers).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        process.returncode = os.waitstatus_to_exitcode(status)
    return {"jobs": jobs, "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "seconds": round(seconds, 2),
            "exit_status": process.returncode, "stderr_tail": stderr[-400:]}


WHOLE_GOAL_PDF, WHOLE_GOAL_IMAGES = 2.0, 2.5

# The baseline process imports only what rendering or decoding needs.
_BASELINE = """
import sys
import numpy as np
kind, dpi, most = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
if kind == "pdf":
    import pypdfium2 as pdfium
    for path in sys.argv[4:]:
        try:
            document = pdfium.PdfDocument(path)
        except Exception:
            continue
        for index in range(len(document)):
            try:
                page = document[index]
                width, height = page.get_size()
                chosen = min(dpi, (most / max(width * height / 5184.0, 1e-9)) ** 0.5)
                bitmap = page.render(scale=chosen / 72, rev_byteorder=True, draw_annots=True)
            except Exception:
                continue
            np.array(bitmap.to_numpy()[..., :3], dtype=np.uint8, copy=True)
            bitmap.close()
        document.close()
else:
    from PIL import Image
    for path in sys.argv[4:]:
        with Image.open(path) as picture:
            np.asarray(picture.convert("RGB"))
"""


def _timed(command: Sequence[str]) -> tuple[float, float]:
    """Wall time of ``command``, and the CPU time (user and system) it and every process it waited for used."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_whole_process(pdfs: Sequence[Path], images: Sequence[Path], ocr: str, repeat: int = 1) -> dict[str, Any]:
    """``htq-mark scan --jobs 1`` from outside against one process rendering or decoding the same files.

    With ``repeat`` above 1 the scan and its baseline take turns that many times and the
    fastest of each counts (on a shared machine, the runs least slowed by other work);
    every run's time is kept in the result.
    """
    from htq_mark.kit import load_kit
    from htq_mark.scanner._limits import DEFAULT_LIMITS

    dpi = str(load_kit().spec.scan.render_dpi)
    most = str(DEFAULT_LIMITS.max_render_pixels)
    result: dict[str, Any] = {"ocr": ocr}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, files in (("pdf", pdfs), ("images", images)):
            scans, bases = [], []
            for _ in range(max(1, repeat)):
                scans.append(_timed([sys.executable, "-m", "htq_mark", "scan", *map(str, files), "--jobs", "1",
                                     "--format", "json", "-o", str(Path(tmp) / f"{kind}.json"), "--force",
                                     "--fail-on", "never", "--ocr", ocr]))
                bases.append(_timed([sys.executable, "-c", _BASELINE, kind, dpi, most, *map(str, files)]))
            scan, base = min(w for w, _ in scans), min(w for w, _ in bases)
            scan_cpu, base_cpu = min(c for _, c in scans), min(c for _, c in bases)
            result[kind] = {"files": len(files), "scan_seconds": round(scan, 2), "baseline_seconds": round(base, 2),
                            "ratio": round(scan / base, 2) if base else None,
                            "scan_cpu_seconds": round(scan_cpu, 2), "baseline_cpu_seconds": round(base_cpu, 2),
                            "cpu_ratio": round(scan_cpu / base_cpu, 2) if base_cpu else None,
                            "runs": [[round(a[0], 2), round(b[0], 2), round(a[1], 2), round(b[1], 2)]
                                     for a, b in zip(scans, bases)]}
    return result


def _image_files(folders: Sequence[Path] | None) -> tuple[list[Path], tempfile.TemporaryDirectory[str] | None]:
    if folders:
        return [p for folder in folders
                for p in sorted((folder / "cases").glob("*")) if p.suffix in (".png", ".jpg")], None
    holder = tempfile.TemporaryDirectory()
    from benchmarks.evalset.generate import generate

    generate(Path(holder.name), seed=0, size="small")
    return sorted(p for p in (Path(holder.name) / "cases").glob("*") if p.suffix in (".png", ".jpg")), holder


def _compile_package() -> None:
    """Byte-compile htq_mark, as installing it does, so workers do not compile every module again.

    A checkout run with ``PYTHONDONTWRITEBYTECODE`` set never caches bytecode, and each
    worker would spend its start compiling what an installed copy has ready.
    """
    import compileall

    compileall.compile_dir(REPO / "htq_mark", quiet=1)


def render_markdown(result: dict[str, Any]) -> str:
    pdf, img = result["pdf"], result["images"]
    ocr = f", --ocr {result['ocr']}" if "ocr" in result else ""
    lines = ["| measure | value | goal |", "|---|---|---|",
             (f"| PDF pages per second (jobs {pdf['jobs']}{ocr}, {pdf['pages']} pages of {pdf['documents']} documents) "
             f"| {pdf['pages_per_second']} | |"),
             f"| PDF scan time / pypdfium2 render time, wall | {pdf['ratio_wall']}x | <= {GOAL_RATIO:g}x |",
             (f"| PDF scan time / pypdfium2 render time, per document | {pdf['ratio_per_document']}x "
             f"| <= {GOAL_RATIO:g}x |"),
             f"| images per second (jobs {img['jobs']}{ocr}, {img['images']} images) | {img['images_per_second']} | |",
             f"| image scan time / Pillow decode time, wall | {img['ratio_wall']}x | <= {GOAL_RATIO:g}x |",
             (f"| image scan time / Pillow decode time, per document | {img['ratio_per_document']}x "
             f"| <= {GOAL_RATIO:g}x |")]
    whole = result.get("whole")
    if whole:
        lines.append(f"| whole process, `htq-mark scan --jobs 1 --ocr {whole['ocr']}` on the PDFs / one process "
                     f"rendering them | {whole['pdf']['ratio']}x | <= {WHOLE_GOAL_PDF:g}x |")
        lines.append(f"| whole process, the same on the images / one process decoding them | "
                     f"{whole['images']['ratio']}x | <= {WHOLE_GOAL_IMAGES:g}x |")
    for memory in result.get("memory", []):
        lines.append(f"| peak memory, `htq-mark scan --jobs {memory['jobs']}` (all processes' largest RSS) | "
                     f"{memory['peak_rss_mib']} MiB ({memory['seconds']} s) | |")
    return "\n".join(lines) + "\n"


def render_whole(whole: dict[str, Any]) -> str:
    pdf, img = whole["pdf"], whole["images"]
    return "\n".join([
        "| measure | value | goal |", "|---|---|---|",
        f"| `htq-mark scan --jobs 1 --ocr {whole['ocr']}`, {pdf['files']} PDFs, from outside / one process "
        f"rendering their pages | {pdf['ratio']}x ({pdf['scan_seconds']} s / {pdf['baseline_seconds']} s) | "
        f"<= {WHOLE_GOAL_PDF:g}x |",
        f"| the same on {img['files']} images / one process decoding them | {img['ratio']}x "
        f"({img['scan_seconds']} s / {img['baseline_seconds']} s) | <= {WHOLE_GOAL_IMAGES:g}x |",
        f"| the PDFs' CPU time (user + system, every process) / the baseline's | {pdf['cpu_ratio']}x "
        f"({pdf['scan_cpu_seconds']} s / {pdf['baseline_cpu_seconds']} s) | |",
        f"| the images' CPU time / the baseline's | {img['cpu_ratio']}x "
        f"({img['scan_cpu_seconds']} s / {img['baseline_cpu_seconds']} s) | |"]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_scan.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=None, help="use only the first N corpus documents")
    parser.add_argument("--images", type=Path, action="append", default=None,
                        help="an evaluation set folder (with cases/); repeat to add more")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the timings")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--whole", action="store_true", help="time whole processes only (see above)")
    parser.add_argument("--ocr", choices=("always", "auto", "never"), default="auto",
                        help="--ocr for every scan timed (default auto, as htq-mark scan: text in pictures "
                             "showing the mark is read, which takes far longer than finding the mark)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="--whole: scan and baseline take turns N times; the fastest of each counts")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        files = corpus_files(args.corpus, args.limit)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _compile_package()
    images, holder = _image_files(args.images)
    try:
        if args.whole:
            whole = bench_whole_process(files, images, args.ocr, args.repeat)
            print(render_whole(whole))
            if args.json:
                from htq_mark._io import write_atomic

                write_atomic(args.json, (json.dumps(whole, indent=1) + "\n").encode(), force=True)
            return 0
        result = {
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "ocr": args.ocr,
            "pdf": bench_pdfs(files, max(1, args.jobs), args.ocr),
            "images": bench_images(images, max(1, args.jobs), args.ocr),
            "memory": [bench_memory([*files, *images], jobs, args.ocr) for jobs in (1, 2)],
        }
    finally:
        if holder is not None:
            holder.cleanup()
    print(render_markdown(result))
    if args.json:
        from htq_mark._io import write_atomic

        write_atomic(args.json, (json.dumps(result, indent=1) + "\n").encode(), force=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
