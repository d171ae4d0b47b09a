"""generate_page: one synthetic scanned page of a given kind, seed and degradation level, with its ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from benchmarks.synth import layouts
from benchmarks.synth.canvas import Line
from benchmarks.synth.content import Dossier, make_dossier
from benchmarks.synth.degrade import LEVELS, degrade, transform_box

KINDS = layouts.KINDS


@dataclass
class SyntheticPage:
    """A scanned-looking page and what a perfect reader would get from it.

    `text` is the ground truth in reading order (two-column blocks: left block, then right block, then the rest
    top to bottom), lines joined by newlines, without the seal's ring text, the signature and form dot leaders.
    `lines` carry the same lines with boxes in `image` pixels (after skew, rescale and rotation).
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

    def truth(self) -> dict[str, Any]:
        """JSON-ready ground truth (everything but the pixels)."""
        return {
            "kind": self.kind, "seed": self.seed, "level": self.level, "dpi": self.dpi,
            "width": int(self.image.shape[1]), "height": int(self.image.shape[0]),
            "dossier_code": self.dossier_code, "qr_payload": self.qr_payload, "text": self.text,
            "lines": [{"text": ln.text, "box": list(ln.box)} for ln in self.lines],
            "metadata": self.metadata,
        }


def content_rng(kind: str, seed: int) -> random.Random:
    # Content depends on kind and seed only, so the same page exists at every level and levels compare fairly.
    return random.Random(f"sohoa-synth:{kind}:{seed}")


def generate_page(kind: str, seed: int, level: int, dossier: Dossier | None = None,
                  show_code: bool = False) -> SyntheticPage:
    """A page of `kind` ("decision", "form", "receipt") for `seed` at damage `level` 0..3.

    Pass `dossier` to make several pages of one dossier; `show_code` prints "Mã hồ sơ: ..." on a form.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")
    if level not in LEVELS:
        raise ValueError(f"degradation level must be one of {LEVELS}, got {level!r}")
    rng = content_rng(kind, seed)
    dossier = dossier or make_dossier(rng)
    if kind == "form":
        drawn = layouts.form(dossier, rng, show_code=show_code)
    else:
        drawn = getattr(layouts, kind)(dossier, rng)
    clean = cv2.cvtColor(np.asarray(drawn.image), cv2.COLOR_RGB2BGR)
    damage_rng = np.random.default_rng([seed, level, KINDS.index(kind)])
    image, dpi, matrix, done = degrade(clean, level, damage_rng)
    size = (image.shape[1], image.shape[0])
    lines = [Line(ln.text, transform_box(ln.box, matrix, size)) for ln in drawn.lines]
    metadata = {
        **{k: (list(v) if isinstance(v, tuple) else v) for k, v in drawn.metadata.items()},
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
                         dossier.code, drawn.qr_payload, metadata)
