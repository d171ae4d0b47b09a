"""generate_page: one synthetic scanned page of a given kind, seed and degradation level, with its ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from benchmarks.synth import capture as captures
from benchmarks.synth import layouts, seal
from benchmarks.synth.canvas import Line, mm
from benchmarks.synth.capture import CAPTURES, map_box, matrix_map, page_corners
from benchmarks.synth.content import Dossier, make_dossier
from benchmarks.synth.degrade import LEVELS, degrade, transform_box

KINDS = layouts.KINDS


@dataclass
class SyntheticPage:
    """A scanned-looking page and what a perfect reader would get from it.

    `text` is the ground truth in reading order (two-column blocks: left block, then right block, then the rest
    top to bottom), lines joined by newlines, without the seal's ring text, the signature and form dot leaders.
    `lines` carry the same lines with boxes in `image` pixels (after skew, rescale and rotation).

    `capture` says how the page reached us ("scan", "faint", "screenshot", "photo", "lowres"; see capture.py).
    `image` holds the pixels exactly as the file will: BGR for scans, 2-D gray for "faint", BGRA for screenshots
    with an alpha channel. `dpi` is what the file's metadata says, None when it says nothing; the real
    resolution of the paper in the image is `metadata["true_dpi"]`. `metadata["page_corners"]` are the paper's
    corners in image pixels (top-left, top-right, bottom-right, bottom-left of the printed page). `suffix` is
    the file type the capture arrives as; `encoded` the file's bytes when that type is lossy (JPEG).
    """

    kind: str
    seed: int
    level: int
    image: np.ndarray  # BGR uint8
    dpi: int
    text: str
    lines: list[Line]
    dossier_code: str
    qr_payload: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    capture: str = "scan"
    suffix: str = ".png"
    encoded: bytes | None = field(default=None, repr=False)

    def truth(self) -> dict[str, Any]:
        """JSON-ready ground truth (everything but the pixels)."""
        return {
            "kind": self.kind, "capture": self.capture, "seed": self.seed, "level": self.level, "dpi": self.dpi,
            "width": int(self.image.shape[1]), "height": int(self.image.shape[0]),
            "dossier_code": self.dossier_code, "qr_payload": self.qr_payload, "text": self.text,
            "lines": [{"text": ln.text, "box": list(ln.box)} for ln in self.lines],
            "metadata": self.metadata,
        }


def content_rng(kind: str, seed: int) -> random.Random:
    # Content depends on kind and seed only, so the same page exists at every level and levels compare fairly.
    return random.Random(f"sohoa-synth:{kind}:{seed}")


def _draw(kind: str, dossier: Dossier, rng: random.Random, show_code: bool = False) -> layouts.Drawn:
    if kind == "form":
        return layouts.form(dossier, rng, show_code=show_code)
    return getattr(layouts, kind)(dossier, rng)


def _other_side(kind: str, seed: int, purpose: str) -> np.ndarray:
    """Another clean page of the same dossier pile (the back of the sheet, a sheet beside it), as BGR."""
    other = KINDS[(KINDS.index(kind) + 1) % len(KINDS)]
    rng = random.Random(f"sohoa-synth-{purpose}:{kind}:{seed}")
    return cv2.cvtColor(np.asarray(_draw(other, make_dossier(rng), rng).image), cv2.COLOR_RGB2BGR)


def _add_seal(drawn: layouts.Drawn, dossier: Dossier, kind: str, seed: int) -> None:
    """A round seal over the last signer's name (forms and receipts have none of their own)."""
    rng = random.Random(f"sohoa-synth-seal:{kind}:{seed}")
    name = drawn.lines[-1].box
    radius = mm(rng.uniform(16, 18))
    centre = (int(name[0] + (name[2] - name[0]) * rng.uniform(0.0, 0.3)), int(name[1] - radius * rng.uniform(0.35, 0.6)))
    ring = f"{dossier.unit.issuer.upper()} * {dossier.unit.header[0].replace('UBND ', '')} *"
    drawn.image = seal.stamp(drawn.image, centre, radius, ring, rng)
    drawn.metadata.update(seal_centre=centre, seal_radius=radius)


def generate_page(kind: str, seed: int, level: int, dossier: Dossier | None = None,
                  show_code: bool = False, capture: str = "scan") -> SyntheticPage:
    """A page of `kind` ("decision", "form", "receipt") for `seed` at damage `level` 0..3, captured as `capture`.

    Pass `dossier` to make several pages of one dossier; `show_code` prints "Mã hồ sơ: ..." on a form.
    The printed content depends on (kind, seed) only: every capture and level shows the same text.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")
    if level not in LEVELS:
        raise ValueError(f"degradation level must be one of {LEVELS}, got {level!r}")
    if capture not in CAPTURES:
        raise ValueError(f"unknown capture {capture!r}; expected one of {', '.join(CAPTURES)}")
    rng = content_rng(kind, seed)
    dossier = dossier or make_dossier(rng)
    drawn = _draw(kind, dossier, rng, show_code)
    if capture == "lowres" and "seal_centre" not in drawn.metadata:
        _add_seal(drawn, dossier, kind, seed)
    clean = cv2.cvtColor(np.asarray(drawn.image), cv2.COLOR_RGB2BGR)
    ch, cw = clean.shape[:2]
    encoded = None
    suffix = ".png"
    if capture == "scan":
        # Unchanged since the first benchmark figures: the same pages, byte for byte.
        damage_rng = np.random.default_rng([seed, level, KINDS.index(kind)])
        image, dpi, matrix, done = degrade(clean, level, damage_rng)
        size = (image.shape[1], image.shape[0])
        lines = [Line(ln.text, transform_box(ln.box, matrix, size)) for ln in drawn.lines]
        corners = page_corners(matrix_map(matrix), cw, ch)
        true_dpi: float = float(dpi)
    else:
        damage_rng = np.random.default_rng([seed, level, KINDS.index(kind), CAPTURES.index(capture)])
        if capture == "faint":
            got = captures.faint(clean, level, damage_rng, drawn.lines, lambda: _other_side(kind, seed, "back"))
        elif capture == "photo":
            got = captures.photo(clean, level, damage_rng, drawn.lines, lambda: _other_side(kind, seed, "sheet"))
        else:
            got = getattr(captures, capture)(clean, level, damage_rng, drawn.lines)
        image, dpi, encoded, suffix, true_dpi = got.image, got.dpi, got.encoded, got.suffix, got.true_dpi
        size = (image.shape[1], image.shape[0])
        lines = [Line(ln.text, map_box(ln.box, got.mapping, size)) for ln in drawn.lines]
        corners = page_corners(got.mapping, cw, ch)
        done = {"level": level, "capture": capture, "dpi": dpi, "rotated_cw": got.done.pop("rotated_cw", 0),
                **got.done}
        done["upright_rotation"] = (360 - done["rotated_cw"]) % 360
    metadata = {
        **{k: (list(v) if isinstance(v, tuple) else v) for k, v in drawn.metadata.items()},
        "capture": capture,
        "true_dpi": round(true_dpi, 1),
        "page_corners": corners,
        "damage": done,
        "unit_code": dossier.unit.code,
        "unit": dossier.unit.name,
        "procedure_code": dossier.procedure.code,
        "procedure": dossier.procedure.name,
        "field": dossier.procedure.field,
        "applicant": dossier.applicant.name,
        "applicant_id": dossier.applicant.id_number,
        "received_at": dossier.received_at.isoformat(timespec="minutes"),
    }
    return SyntheticPage(kind, seed, level, image, dpi, "\n".join(ln.text for ln in drawn.lines), lines,
                         dossier.code, drawn.qr_payload, metadata, capture, suffix, encoded)
