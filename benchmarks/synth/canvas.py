"""A white A4 page at 300 dpi on which layouts place text lines and remember each line's text and box."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
DPI = 300
A4_MM = (210, 297)
INK = (18, 18, 22)


def mm(value: float, dpi: int = DPI) -> int:
    return round(value / 25.4 * dpi)


@lru_cache(maxsize=64)
def font(style: str, points: float, dpi: int = DPI) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / FONT_FILES[style]
    if not path.exists():
        raise FileNotFoundError(f"{path}: font missing (apt-get install fonts-liberation2)")
    return ImageFont.truetype(str(path), size=round(points * dpi / 72))


@dataclass(frozen=True)
class Line:
    """One printed line of ground truth: its text and its box (left, top, right, bottom) in page pixels."""

    text: str
    box: tuple[int, int, int, int]


@dataclass
class Canvas:
    """The clean page before any scanner damage; lines are recorded in ground-truth reading order."""

    width: int = mm(A4_MM[0])
    height: int = mm(A4_MM[1])
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    lines: list[Line] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.image)

    def width_of(self, text: str, style: str, points: float) -> float:
        return font(style, points).getlength(text)

    def text(self, text: str, x: float, y: float, style: str = "regular", points: float = 13,
             align: str = "left", right: float | None = None, record: bool = True,
             fill: tuple[int, int, int] = INK) -> tuple[int, int, int, int]:
        """Draw one line with its top at y; `align` centre/right is within [x, right]. Returns the ink box."""
        f = font(style, points)
        length = f.getlength(text)
        if align == "center":
            x = x + ((right if right is not None else self.width) - x - length) / 2
        elif align == "right":
            x = (right if right is not None else self.width) - length
        self.draw.text((x, y), text, font=f, fill=fill)
        box = tuple(int(v) for v in self.draw.textbbox((x, y), text, font=f))
        if record and text.strip():
            self.lines.append(Line(text, box))  # type: ignore[arg-type]
        return box  # type: ignore[return-value]

    def justified(self, words: list[str], x: float, y: float, right: float, style: str, points: float) -> None:
        """Spread the words over [x, right], as word processors print justified paragraphs."""
        f = font(style, points)
        gaps = len(words) - 1
        spare = right - x - sum(f.getlength(w) for w in words)
        gap = spare / gaps if gaps else 0
        cursor = x
        for word in words:
            self.draw.text((cursor, y), word, font=f, fill=INK)
            cursor += f.getlength(word) + gap
        first = self.draw.textbbox((x, y), words[0], font=f)
        last = self.draw.textbbox((right - f.getlength(words[-1]), y), words[-1], font=f)
        self.lines.append(Line(" ".join(words), (int(first[0]), int(min(first[1], last[1])), int(last[2]),
                                                 int(max(first[3], last[3])))))

    def paragraph(self, text: str, x: float, y: float, right: float, style: str = "regular",
                  points: float = 14, indent: float = 0, spacing: float = 1.25, justify: bool = True) -> float:
        """Word-wrap a paragraph with a first-line indent; returns the y below its last line."""
        f = font(style, points)
        step = f.size * spacing
        words = text.split()
        line: list[str] = []
        first = True
        while words:
            start = x + (indent if first else 0)
            line = [words.pop(0)]
            while words and f.getlength(" ".join(line + [words[0]])) <= right - start:
                line.append(words.pop(0))
            if words and justify and len(line) > 1:
                self.justified(line, start, y, right, style, points)
            else:
                self.text(" ".join(line), start, y, style, points)
            y += step
            first = False
        return y

    def underline(self, x0: float, x1: float, y: float, thickness: int = 3) -> None:
        self.draw.line([(x0, y), (x1, y)], fill=INK, width=thickness)

    def dotted_leader(self, x0: float, x1: float, baseline: float, points: float = 13) -> None:
        """The dots of an unfilled form field; they are layout, not text, so they stay out of the truth."""
        f = font("regular", points)
        dot = f.getlength(".")
        count = int((x1 - x0) / dot)
        if count > 0:
            self.draw.text((x0, baseline), "." * count, font=f, fill=INK)
