"""Run ``htq_mark.scanner.scan`` in a fresh Python process and measure it.

The child process scans, then reports every document (its JSON form plus
notes and elapsed time) and its own and its workers' peak RSS, read with
``getrusage``. A fresh process means the figures belong to this scan only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import json, resource, sys
from htq_mark.scanner import DEFAULT_LIMITS, scan
request = json.loads(sys.argv[1])
report = scan(request["paths"], jobs=request["jobs"], on="2025-06-01",
              limits=DEFAULT_LIMITS.replace(**request["limits"]))
documents = []
for document in report.documents:
    entry = document.to_dict()
    entry["notes"] = [note.message for note in document.notes]
    entry["elapsed_s"] = document.elapsed_s
    documents.append(entry)
print(json.dumps({
    "report": report.to_dict(),
    "documents": documents,
    "rss_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rss_workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


@dataclass(frozen=True)
class ChildScan:
    """What the child process reported."""

    report: dict[str, Any]
    documents: dict[str, dict[str, Any]]
    rss_self_mib: float
    rss_workers_mib: float
    stderr: str

    def document(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        return self.documents[os.fspath(path)]


def scan_in_child(paths: list[str], *, jobs: int = 1, limits: dict[str, Any] | None = None,
                  wall_limit_s: float = 600) -> ChildScan:
    """Scan ``paths`` in a new process with ``jobs`` workers; fail clearly if it goes wrong."""
    request = json.dumps({"paths": paths, "jobs": jobs, "limits": limits or {}})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, request], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=env, timeout=wall_limit_s, check=False)
    assert done.returncode == 0, f"the scan process failed ({done.returncode}):\n{done.stderr[-4000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    data = json.loads(done.stdout)
    return ChildScan(report=data["report"], documents={d["path"]: d for d in data["documents"]},
                     rss_self_mib=data["rss_self_kb"] / 1024, rss_workers_mib=data["rss_workers_kb"] / 1024,
                     stderr=done.stderr)
