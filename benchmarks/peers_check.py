"""Run `sohoa ocr` on every peer test input (OCRmyPDF, paperless-ngx) and check each ends in output or one clear
refusal line: never a traceback, a hang, or a page silently read as empty.

    .venv/bin/python -m benchmarks.peers_check [--peers ../shared/peers] [--jobs 2] [--timeout 600]

A script, not a test: the peers' files live outside the repository (../shared/peers, see its MANIFEST.md) and
a fresh clone has none. Every file is run on its own `sohoa ocr` process with a timeout (the process group is
killed when it runs out). Per file, one of:
  output     .txt, .pdf and .json written (exit 0); pages the .json calls blank, with 0 words or unreadable are
             listed as SUSPECT, since an empty page must be explained, never silent
  refused    exit 1, no output, exactly one error line that names the file and gives a reason
  traceback  a Python traceback, an exit code other than 0/1, or output missing after exit 0
  unclear    exit 1 without exactly one error line naming the file
  hang       the timeout ran out
The "meant to fail" table of MANIFEST.md marks files the peers themselves expect to fail. Exits 1 when any
file ends in a traceback, a hang or an unclear refusal.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PEERS = ROOT.parent / "shared" / "peers"
ERROR_PREFIXES = ("Lỗi: ", "Error: ")


@dataclass
class Check:
    path: Path
    kind: str = ""
    seconds: float = 0.0
    detail: str = ""
    pages: int = 0
    suspect: list[str] = field(default_factory=list)
    expected_failure: bool = False


def expected_failures(peers: Path) -> list[str]:
    """Glob patterns (relative to `peers`) from MANIFEST.md's "Meant to fail" table."""
    manifest = peers / "MANIFEST.md"
    if not manifest.exists():
        return []
    patterns: list[str] = []
    in_table = False
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_table = line.lower().startswith("## meant to fail")
            continue
        if not in_table or not line.startswith("|") or line.startswith("|---") or line.startswith("| file"):
            continue
        folder = ""
        for item in line.split("|")[1].split(","):
            item = item.strip()
            if "/" in item:
                folder = item.rsplit("/", 1)[0]
                patterns.append(item)
            elif item and folder:
                patterns.append(f"{folder}/{item}")
    return patterns


def run_one(path: Path, peers: Path, out_root: Path, number: int, timeout: float, expected: list[str]) -> Check:
    check = Check(path=path)
    relative = path.relative_to(peers).as_posix()
    check.expected_failure = any(fnmatch.fnmatch(relative, pattern) for pattern in expected)
    out_dir = out_root / f"{number:04d}"
    # A wide terminal so Rich does not wrap a long error line; the English half of each message is read here.
    env = {**os.environ, "COLUMNS": "4000"}
    command = [sys.executable, "-m", "sohoa", "ocr", str(path), "--out", str(out_dir), "--jobs", "1"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the sohoa process and the page workers it spawned
        process.communicate()
        check.kind, check.seconds = "hang", time.perf_counter() - started
        check.detail = f"no result after {timeout:.0f} s"
        return check
    check.seconds = time.perf_counter() - started
    text = (stdout + stderr).decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "Traceback (most recent call last)" in text or process.returncode not in (0, 1):
        check.kind = "traceback"
        tail = [line for line in lines if not line.startswith(("File ", "^", "~"))][-1:] or ["(no output)"]
        check.detail = f"exit {process.returncode}: {tail[0][:160]}"
        return check
    name = path.name
    outputs = [out_dir / f"{name}.{ext}" for ext in ("txt", "pdf", "json")]
    errors = [line for line in lines if line.startswith(ERROR_PREFIXES)]
    if process.returncode == 0:
        missing = [p.suffix for p in outputs if not p.exists()]
        if missing:
            check.kind, check.detail = "traceback", f"exit 0 but no {', '.join(missing)} written"
            return check
        check.kind = "output"
        report = json.loads(outputs[2].read_text(encoding="utf-8"))
        check.pages = int(report.get("page_count", 0))
        for page in report.get("pages", []):
            if "unreadable" in page.get("flags", []):
                check.suspect.append(f"p{page['page']} unreadable ({page.get('reason')})")
            elif page.get("blank"):
                check.suspect.append(f"p{page['page']} blank")
            elif not page.get("words"):
                check.suspect.append(f"p{page['page']} 0 words")
        words = sum(int(page.get("words", 0)) for page in report.get("pages", []))
        notes = [line for line in lines if line.startswith("Bỏ qua trang")]
        check.detail = f"{check.pages} page(s), {words} words" + (f"; {notes[0][:120]}" if notes else "")
        return check
    named = [line for line in errors if str(path) in line and line.split(str(path), 1)[1].strip(" :")]
    if len(errors) == 1 and len(named) == 1 and not any(p.exists() for p in outputs):
        check.kind = "refused"
        check.detail = named[0].split(str(path), 1)[1].strip(" :")[:160]
    else:
        check.kind = "unclear"
        check.detail = f"exit 1 with {len(errors)} error line(s): " + (" | ".join(errors) or " | ".join(lines))[:160]
    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=Path, default=DEFAULT_PEERS, help="folder of peer inputs (MANIFEST.md)")
    parser.add_argument("--jobs", type=int, default=2, help="files run at the same time (each with one worker)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per file before it is a hang")
    parser.add_argument("--out", type=Path, default=None, help="keep outputs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    peers = args.peers.resolve()
    if not peers.is_dir():
        print(f"peers_check: {args.peers}: no such folder (the peers' inputs live outside the repository)",
              file=sys.stderr)
        return 2
    files = sorted(p for p in peers.rglob("*") if p.is_file())
    expected = expected_failures(peers)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sohoa-peers-") as scratch:
        out_root = args.out or Path(scratch)
        out_root.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [
                pool.submit(run_one, path, peers, out_root, number, args.timeout, expected)
                for number, path in enumerate(files)
            ]
            checks = []
            for future in futures:
                check = future.result()
                checks.append(check)
                mark = " (peer expects failure)" if check.expected_failure else ""
                print(f"{check.kind:<9} {check.seconds:6.1f}s  {check.path.relative_to(peers).as_posix()}{mark}"
                      f"  {check.detail}", flush=True)
                for note in check.suspect:
                    print(f"{'':9} SUSPECT  {note}", flush=True)
    counts = {kind: sum(c.kind == kind for c in checks) for kind in ("output", "refused", "traceback", "hang",
                                                                     "unclear")}
    suspects = [(c, note) for c in checks for note in c.suspect]
    print()
    print(f"{'file':<72} {'result':<9} {'pages':>5} {'secs':>6}  detail")
    for c in checks:
        name = c.path.relative_to(peers).as_posix() + (" *" if c.expected_failure else "")
        print(f"{name[-72:]:<72} {c.kind:<9} {c.pages:>5} {c.seconds:>6.1f}  {c.detail[:110]}")
    print("(* = in MANIFEST.md's \"meant to fail\" table)")
    if suspects:
        print("\nSUSPECT pages (blank, 0 words or unreadable):")
        for c, note in suspects:
            print(f"  {c.path.relative_to(peers).as_posix()}: {note}")
    summary = (
        f"{len(checks)} files: {counts['output']} output, {counts['refused']} refused with a reason, "
        f"{counts['traceback']} tracebacks, {counts['hang']} hangs, {len(suspects)} suspect-blank pages"
    )
    if counts["unclear"]:
        summary += f", {counts['unclear']} unclear refusals"
    print(f"\n{summary} ({time.perf_counter() - started:.0f} s, --jobs {args.jobs}, --timeout {args.timeout:.0f})")
    print(f"command: {' '.join(['python -m benchmarks.peers_check', *(argv if argv is not None else sys.argv[1:])])}")
    return 1 if counts["traceback"] or counts["hang"] or counts["unclear"] else 0


if __name__ == "__main__":
    sys.exit(main())
