"""make_sample_batch: a small, realistic scanner-output folder and one-stop registry CSV, with expectations."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.synth.content import PROCEDURES, UNITS, Dossier, make_dossier
from benchmarks.synth.files import save_pages
from benchmarks.synth.page import SyntheticPage, generate_page

REGISTRY_HEADERS = ("Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Mã TTHC", "Tên TTHC", "Chủ hồ sơ", "Ngày tiếp nhận",
                    "Trạng thái")


@dataclass
class SamplePage:
    kind: str
    level: int
    dossier_code: str | None  # None: nothing on or about this page links it to a registered dossier
    text: str
    qr_payload: str | None
    dpi: int


@dataclass
class SampleFile:
    path: Path
    link: str  # how a correct ingest links it: "file name", "qr", "text", "none"
    dossier_codes: list[str | None]  # expected dossier of each page, in page order
    pages: list[SamplePage] = field(default_factory=list)


@dataclass
class SampleBatch:
    root: Path
    scan_dir: Path
    registry_path: Path
    files: list[SampleFile]
    registered: list[str]  # dossier codes in the registry, scanned or not
    scanned: list[str]  # registered dossiers that have at least one page in scan_dir

    @property
    def page_count(self) -> int:
        return sum(len(f.pages) for f in self.files)

    @property
    def digitization_rate(self) -> float:
        return len(self.scanned) / len(self.registered)

    def to_json(self) -> str:
        def plain(value):
            return str(value) if isinstance(value, Path) else value

        data = {k: plain(v) for k, v in asdict(self).items() if k != "files"}
        data["files"] = [{**{k: plain(v) for k, v in asdict(f).items()}} for f in self.files]
        data["page_count"] = self.page_count
        data["digitization_rate"] = self.digitization_rate
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _registry_row(d: Dossier) -> dict[str, str]:
    return {
        "Mã hồ sơ": d.code,
        "Đơn vị": d.unit.name,
        "Lĩnh vực": d.procedure.field,
        "Mã TTHC": d.procedure.code,
        "Tên TTHC": d.procedure.name,
        "Chủ hồ sơ": d.applicant.name,
        "Ngày tiếp nhận": f"{d.received_at:%d/%m/%Y %H:%M}",
        "Trạng thái": d.status,
    }


def _page(p: SyntheticPage, code: str | None) -> SamplePage:
    return SamplePage(p.kind, p.level, code, p.text, p.qr_payload, p.dpi)


def make_sample_batch(out_dir: str | Path, seed: int = 0) -> SampleBatch:
    """Write OUT/scans/* (16 pages in 7 files) and OUT/registry.csv; return what a correct ingest must find.

    The registry lists 10 dossiers of which 7 are scanned (rate 70 %); one scanned document belongs to no
    registered dossier and must end in the review queue.
    """
    root = Path(out_dir)
    scans = root / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"sohoa-sample:{seed}")
    commune, district = UNITS[0], UNITS[1]
    by_field: dict[str, object] = {}
    for procedure in PROCEDURES:
        if procedure.level == "xã":
            by_field.setdefault(procedure.field, procedure)
    land = next(p for p in PROCEDURES if p.field == "Đất đai")
    plan = [
        (commune, by_field["Hộ tịch"]), (district, land), (commune, by_field["Chứng thực"]),
        (commune, by_field["Bảo trợ xã hội"]), (commune, by_field["Hộ tịch"]), (district, land),
        (commune, by_field["Chứng thực"]), (commune, by_field["Hộ tịch"]), (district, land),
        (commune, by_field["Bảo trợ xã hội"]),
    ]
    dossiers: list[Dossier] = []
    for unit, procedure in plan:
        d = make_dossier(rng, unit, procedure)
        while any(d.code == other.code for other in dossiers):
            d = make_dossier(rng, unit, procedure)
        dossiers.append(d)
    a, b, c, d_, e, f, g = dossiers[:7]
    orphan = make_dossier(rng, commune, by_field["Hộ tịch"])
    counter = iter(range(seed * 1000, seed * 1000 + 1000))

    def page(kind: str, dossier: Dossier, level: int, **kw) -> SyntheticPage:
        return generate_page(kind, next(counter), level, dossier=dossier, **kw)

    files: list[SampleFile] = []

    def write(name: str, link: str, pages: list[tuple[SyntheticPage, str | None]]) -> None:
        path = save_pages([p for p, _ in pages], scans / name)
        files.append(SampleFile(path, link, [code for _, code in pages], [_page(p, code) for p, code in pages]))

    write(f"{a.code}.1.pdf", "file name", [(page("receipt", a, 0), a.code), (page("form", a, 1), a.code)])
    write(f"{a.code}.2.pdf", "file name", [(page("decision", a, 1), a.code)])
    write(f"{b.code}.1.pdf", "file name", [(page("form", b, 1), b.code), (page("decision", b, 2), b.code)])
    write(f"{c.code}.1.tif", "file name", [(page("form", c, 1), c.code), (page("decision", c, 3), c.code)])
    write("IMG_20220914_101512.jpg", "text", [(page("form", d_, 1, show_code=True), d_.code)])
    stack = [
        (page("receipt", e, 0), e.code), (page("form", e, 1), e.code),
        (page("receipt", f, 1), f.code), (page("decision", f, 2), f.code),
        (page("receipt", g, 0), g.code), (page("form", g, 2), g.code), (page("decision", g, 1), g.code),
    ]
    write("SCAN_0001.pdf", "qr", stack)
    write("Scan_20220916_0002.pdf", "none", [(page("decision", orphan, 2), None)])

    registry = root / "registry.csv"
    # One-stop systems export for Excel: UTF-8 with a byte-order mark.
    with registry.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTRY_HEADERS)
        writer.writeheader()
        for dossier in sorted(dossiers, key=lambda x: x.received_at):
            writer.writerow(_registry_row(dossier))
    return SampleBatch(root, scans, registry, files, [x.code for x in dossiers], [x.code for x in dossiers[:7]])
