"""Where the visible signature box goes and what it says, by role (TT 01/2023/TT-VPCP Điều 8, TT 01/2019/TT-BNV).

officer: the digitizing officer's personal signature, top-left of page 1, with name, unit and time of copying.
agency: the competent agency's signature on a result or archive copy, top-right of page 1, with the red seal
image at its actual size when one is configured. Text is Vietnamese, in an embedded font with its glyphs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from PIL import Image

from ocr.errors import MissingDependencyError

ROLES = ("officer", "agency")
VIETNAM = timezone(timedelta(hours=7), "ICT")
MARGIN = 14.0  # points (5 mm) from the page edges
BOX_WIDTH = 200.0
BOX_HEIGHT = 52.0
FONT_SIZE = 7
# ASCII, Latin-1 and Latin Extended-A/B (Đ đ Ơ ơ Ư ư), Vietnamese precomposed letters, dashes and quotes.
BOX_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x1EA0, 0x1F00),
    *range(0x2010, 0x2027),
    0x2030,
    0x20AB,
]
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
)


@dataclass(frozen=True)
class Seal:
    """A seal image (PNG with transparency) and the resolution it was scanned at, so it prints at actual size."""

    path: Path
    dpi: float = 300.0

    def size_points(self) -> tuple[float, float]:
        with Image.open(self.path) as image:
            width, height = image.size
        return width * 72.0 / self.dpi, height * 72.0 / self.dpi


@dataclass(frozen=True)
class BoxText:
    role: str
    signer_name: str
    unit_name: str
    signed_at: datetime  # aware, or naive UTC


def field_name(role: str) -> str:
    """The signature field of a role; one per role and document, so signing twice is visible in the PDF."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    return f"Sohoa-{role}"


def role_of_field(name: str | None) -> str | None:
    if name and name.startswith("Sohoa-") and name[6:] in ROLES:
        return name[6:]
    return None


def vietnam_time(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime("%H:%M:%S ngày %d/%m/%Y (GMT+7)")


def box_lines(text: BoxText) -> list[str]:
    when = vietnam_time(text.signed_at)
    if text.role == "officer":
        return [
            "ĐÃ KÝ SỐ – BẢN SỐ HÓA",
            f"Người số hóa: {text.signer_name}",
            f"Đơn vị: {text.unit_name}",
            f"Thời gian sao: {when}",
        ]
    return [
        "ĐÃ KÝ SỐ – CƠ QUAN",
        f"Cơ quan: {text.unit_name}",
        f"Người ký: {text.signer_name}",
        f"Thời gian ký: {when}",
    ]


def box_rect(
    role: str, page_box: tuple[float, float, float, float], seal: Seal | None = None
) -> tuple[int, ...]:
    """(x1, y1, x2, y2) in PDF points on page 1: officer top-left, agency top-right (tall enough for the seal)."""
    x0, y0, x1, y1 = page_box
    width, height = BOX_WIDTH, BOX_HEIGHT
    if role == "agency" and seal is not None:
        seal_w, seal_h = seal.size_points()
        width, height = max(width, seal_w + 4), max(height, seal_h + 4)
    width, height = min(width, x1 - x0 - 2 * MARGIN), min(height, y1 - y0 - 2 * MARGIN)
    top = y1 - MARGIN
    left = x0 + MARGIN if role == "officer" else x1 - MARGIN - width
    return (round(left), round(top - height), round(left + width), round(top))


def position_of(rect: tuple[float, float, float, float], page_box: tuple[float, float, float, float]) -> str:
    """'top-left', 'top-right', … of a box on its page, by the quarter its centre falls in."""
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    mid_x, mid_y = (page_box[0] + page_box[2]) / 2, (page_box[1] + page_box[3]) / 2
    return f"{'top' if cy >= mid_y else 'bottom'}-{'left' if cx < mid_x else 'right'}"


_font_cache = Path.home() / ".cache" / "sohoa" / "fonts"


def set_font_cache(folder: Path) -> None:
    """Where the box font, rescaled and cut once, is kept (the edges pass `Settings.cache / "fonts"`)."""
    global _font_cache
    if folder != _font_cache:
        _font_cache = folder
        font_file.cache_clear()


@lru_cache(maxsize=1)
def font_file() -> str:
    """A TrueType font with Vietnamese glyphs, rescaled to 1000 units per em and cut to BOX_CHARACTERS.

    pyHanko writes the font's advance widths into /W unscaled, which is right only at 1000 units per em;
    DejaVu has 2048, so unscaled its /W would disagree with the embedded program (spaced-out text, and a
    PDF/A-2 failure, veraPDF rule 6.2.11.5-1). The rescaled copy is made once and cached.
    """
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return str(_at_1000_upem(candidate))
    raise MissingDependencyError(
        "no TrueType font with Vietnamese glyphs (apt-get install fonts-dejavu-core)"
    )


def _at_1000_upem(font: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    cache = _font_cache
    stat = font.stat()
    target = cache / f"{font.stem}-{stat.st_size}-{int(stat.st_mtime)}-box-v2.ttf"
    if target.exists():
        return target
    tt = TTFont(str(font))
    if tt["head"].unitsPerEm != 1000:
        scale_upem(tt, 1000)
    # Keep only what the box writes (Latin and Vietnamese, NFC) and drop the layout tables: pyHanko subsets
    # the font again for every signature, and DejaVu's GPOS/GSUB made that ~2 s of the ~2.1 s per document.
    subsetter = subset.Subsetter(subset.Options(layout_features=[], hinting=False, notdef_outline=True))
    subsetter.populate(unicodes=BOX_CHARACTERS)
    subsetter.subset(tt)
    cache.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    tt.save(str(part))
    part.replace(target)  # atomic: two processes making it at once both end with a whole file
    return target


def stamp_style(seal: Seal | None = None):
    """The pyHanko text stamp: embedded DejaVu subset, thin border, the seal (unscaled) behind the text."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    text_style = TextBoxStyle(
        font=GlyphAccumulatorFactory(font_file(), font_size=FONT_SIZE),
        font_size=FONT_SIZE,
        leading=FONT_SIZE + 3,
    )
    background = None
    if seal is not None:
        seal_w, seal_h = seal.size_points()
        background = PdfImage(Image.open(seal.path), box=layout.BoxConstraints(seal_w, seal_h))
    return TextStampStyle(
        stamp_text="%(lines)s",
        text_box_style=text_style,
        border_width=1,
        border_color=(0.75, 0.0, 0.0),
        background=background,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(4),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
