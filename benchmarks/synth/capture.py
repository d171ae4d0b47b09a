"""How a page reached us, beyond the flatbed scan of `degrade.py`: each capture kind at damage levels 0..3.

- `faint`: low-toner print scanned in grayscale, the back page showing through mirrored, a binding shadow along
  the left edge, two punch holes; 300 dpi TIFF (levels 0-1) or 200 dpi JPEG (levels 2-3).
- `screenshot`: the page as a PDF viewer or web page shows it (x-height 6-9 px), a red rectangle around the
  header, arrows, yellow highlighter, a diagonal web watermark; 72/96 dpi or no dpi, some PNGs with alpha.
- `photo`: a phone photo: the page in perspective on a table, uneven light, a soft shadow, a mild bulge, maybe a
  thumb and a second sheet; a camera-sized JPEG with a wrong (72) or absent dpi.
- `lowres`: a flatbed scan at 150 or 96 dpi with a red seal.

Every function takes the clean 300 dpi BGR page and returns a `Captured`: the image exactly as the file holds
it (2-D gray, BGR, or BGRA), the dpi written in the file (None: none written), the real resolution of the
paper in the image, and a point mapping from clean-page pixels to image pixels (for the truth boxes and the
page corners). Damage grows with the level inside each kind; everything drawn comes from the given generator.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np
from PIL import Image, ImageDraw

from benchmarks.synth.canvas import Line, font, mm

CAPTURES = ("scan", "faint", "screenshot", "photo", "lowres")
A4_INCHES = (210 / 25.4, 297 / 25.4)

PointMap = Callable[[np.ndarray], np.ndarray]  # (N, 2) clean-page pixels -> (N, 2) image pixels


@dataclass
class Captured:
    image: np.ndarray  # as the file holds it: 2-D gray, BGR or BGRA, uint8
    dpi: int | None  # what the file's metadata says (None: nothing)
    true_dpi: float  # pixels per inch of paper in the image (photos: at the page's size in the frame)
    mapping: PointMap
    suffix: str  # the file type this capture arrives as
    done: dict = field(default_factory=dict)
    encoded: bytes | None = None  # the file's bytes when the format is lossy (JPEG), so saving adds no loss


def matrix_map(m: np.ndarray) -> PointMap:
    """A 3x3 affine or projective matrix as a point mapping."""
    m = np.asarray(m, np.float64)

    def apply(pts: np.ndarray) -> np.ndarray:
        p = np.c_[np.asarray(pts, np.float64), np.ones(len(pts))] @ m.T
        return p[:, :2] / p[:, 2:3]
    return apply


def compose(*maps: PointMap) -> PointMap:
    def apply(pts: np.ndarray) -> np.ndarray:
        for f in maps:
            pts = f(pts)
        return pts
    return apply


def map_box(box: tuple[int, int, int, int], mapping: PointMap, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The bounding box, clipped to the image (width, height), of a box moved by any point mapping."""
    x0, y0, x1, y1 = box
    t = np.linspace(0, 1, 5)
    pts = np.concatenate([np.c_[x0 + (x1 - x0) * t, np.full(5, y0)], np.c_[x0 + (x1 - x0) * t, np.full(5, y1)],
                          np.c_[np.full(5, x0), y0 + (y1 - y0) * t], np.c_[np.full(5, x1), y0 + (y1 - y0) * t]])
    moved = mapping(pts)
    w, h = size
    return (int(max(0, moved[:, 0].min())), int(max(0, moved[:, 1].min())),
            int(min(w, math.ceil(moved[:, 0].max()))), int(min(h, math.ceil(moved[:, 1].max()))))


def page_corners(mapping: PointMap, width: int, height: int) -> list[list[float]]:
    """The paper's corners in image pixels: top-left, top-right, bottom-right, bottom-left of the printed page."""
    pts = mapping(np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64))
    return [[round(float(x), 1), round(float(y), 1)] for x, y in pts]


# ---------------------------------------------------------------------------------------------- shared steps

def _encode(image: np.ndarray, suffix: str, quality: int | None, dpi: int | None) -> tuple[np.ndarray, bytes | None]:
    """JPEG round trip through Pillow (with the dpi the file will carry); lossless formats pass unchanged."""
    if suffix != ".jpg":
        return image, None
    pil = Image.fromarray(image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    buf = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    pil.save(buf, format="JPEG", quality=int(quality or 85), **extra)
    data = buf.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(data)))
    if decoded.ndim == 3:
        decoded = cv2.cvtColor(decoded, cv2.COLOR_RGB2BGR)
    return np.ascontiguousarray(decoded), data


def _skew(page: np.ndarray, angle: float, fill: float | tuple) -> tuple[np.ndarray, np.ndarray]:
    h, w = page.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(page, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return out, np.vstack([rot, [0, 0, 1]])


def _resize(page: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    h, w = page.shape[:2]
    s = dpi / 300
    size = (round(w * s), round(h * s))
    out = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
    return out, np.diag([size[0] / w, size[1] / h, 1.0])


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, int], lo: float,
                  hi: float) -> np.ndarray:
    small = rng.uniform(lo, hi, (cells[1], cells[0])).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _luma(bgr: np.ndarray) -> np.ndarray:
    f = bgr.astype(np.float32)
    return 0.114 * f[..., 0] + 0.587 * f[..., 1] + 0.299 * f[..., 2]


# ----------------------------------------------------------------------------------------------------- faint

@dataclass(frozen=True)
class Faint:
    contrast: float  # share of the toner's darkness left
    bleed: float  # opacity of the back page
    shadow: float  # depth of the binding shadow
    skew: float  # max |degrees|
    blur: float
    noise: float
    dpi: int
    jpeg: int | None


FAINT = {
    0: Faint(0.50, 0.09, 0.35, 0.0, 0.0, 2, 300, None),
    1: Faint(0.40, 0.12, 0.45, 0.8, 0.5, 3, 300, None),
    2: Faint(0.32, 0.15, 0.55, 1.5, 0.8, 4, 200, 70),
    3: Faint(0.26, 0.19, 0.65, 2.5, 1.0, 6, 200, 55),
}


def faint(clean: np.ndarray, level: int, rng: np.random.Generator, lines: list[Line],
          back: Callable[[], np.ndarray]) -> Captured:
    d = FAINT[level]
    h, w = clean.shape[:2]
    f = clean.astype(np.float32)
    chroma = f.max(axis=2) - f.min(axis=2)
    stamped = np.clip((chroma - 25) / 60, 0, 1)  # seal and signature ink: stamped and signed, not printed
    darkness = 255 - _luma(clean)
    toner = _smooth_field(rng, (h, w), (5, 7), 0.8, 1.0)
    if level >= 1:
        # A cartridge running dry leaves lighter vertical bands.
        bands = cv2.resize(rng.uniform(0.0, 1.0, (1, 24)).astype(np.float32), (w, 1), interpolation=cv2.INTER_CUBIC)
        toner = toner * (1 - 0.25 * np.clip(bands, 0, 1))
    dark = stamped * darkness * 0.9 + (1 - stamped) * darkness * d.contrast * toner
    paper = float(rng.uniform(228, 240))
    page = paper * (1 - dark / 255)
    # The back page, mirrored and soft, shows through.
    other = cv2.GaussianBlur(cv2.flip(_luma(back()), 1), (0, 0), 2.5)
    other = np.roll(other, (int(rng.integers(-50, 50)), int(rng.integers(-30, 30))), axis=(0, 1))
    page = page * (1 - d.bleed * (255 - other) / 255)
    width = int(w * rng.uniform(0.07, 0.11))
    ramp = np.ones(w, np.float32)
    ramp[:width] = 1 - d.shadow * (1 - np.linspace(0, 1, width)) ** 2
    page = page * ramp[None, :]
    holes = []
    spacing = mm(40)
    cy = h // 2 + int(rng.integers(-mm(8), mm(8)))
    for y in (cy - spacing, cy + spacing):
        centre = (int(mm(rng.uniform(10, 13))), int(y))
        cv2.circle(page, centre, mm(2.8), float(rng.uniform(45, 70)), -1, cv2.LINE_AA)
        holes.append(list(centre))
    matrix = np.eye(3)
    angle = 0.0
    if d.skew:
        angle = float(rng.uniform(d.skew / 3, d.skew)) * (1 if rng.random() < 0.5 else -1)
        page, rot = _skew(page, angle, paper)
        matrix = rot @ matrix
    if d.blur:
        page = cv2.GaussianBlur(page, (0, 0), d.blur)
    if d.noise:
        page = page + rng.normal(0, d.noise, page.shape).astype(np.float32)
    out = page.clip(0, 255).astype(np.uint8)
    if d.dpi != 300:
        out, scale = _resize(out, d.dpi)
        matrix = scale @ matrix
    suffix = ".jpg" if d.jpeg else ".tif"
    out, encoded = _encode(out, suffix, d.jpeg, d.dpi)
    done = {"toner_contrast": d.contrast, "bleed": d.bleed, "shadow": d.shadow, "shadow_edge": "left",
            "shadow_width": width, "punch_holes": holes, "paper": round(paper, 1), "skew": round(angle, 3),
            "grayscale": True, "jpeg_quality": d.jpeg}
    return Captured(out, d.dpi, float(d.dpi), matrix_map(matrix), suffix, done, encoded)


# ------------------------------------------------------------------------------------------------ screenshot

@dataclass(frozen=True)
class Screen:
    dpi: float  # screen scale, pixels per inch of paper
    watermark: float  # opacity
    highlights: int
    arrows: int
    suffix: str
    declared: int | None
    alpha: str | None  # None, "keep" (transparent pixels keep their colour), "black" (transparent = 0,0,0,0)
    jpeg: int | None = None


SCREEN = {
    0: Screen(104, 0.06, 1, 1, ".png", 96, None),
    1: Screen(94, 0.09, 1, 1, ".jpg", 72, None, 80),
    2: Screen(86, 0.12, 2, 2, ".png", None, "keep"),
    3: Screen(78, 0.15, 2, 2, ".png", 72, "black"),
}
WATERMARKS = ("dichvucong.gov.vn", "BẢN XEM TRƯỚC", "TÀI LIỆU THAM KHẢO", "hcc.thuathienhue.gov.vn")
RED = (40, 30, 220)
BLUE = (190, 80, 25)


def _header_lines(lines: list[Line]) -> list[Line]:
    """The two-column header: every line that starts within 32 mm below the first line's top."""
    if not lines:
        return []
    top = lines[0].box[1]
    return [ln for ln in lines if ln.box[1] < top + mm(32)]


def _watermark(shape: tuple[int, int], text: str, rng: np.random.Generator) -> np.ndarray:
    """A 0..1 mask of the text repeated diagonally over the whole image."""
    h, w = shape
    side = int(math.hypot(w, h)) + 40
    layer = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(layer)
    f = font("bold", max(10.0, w / 22) * 72 / 300)  # `font` takes points at 300 dpi
    step_y = int(f.size * 4.5)
    step_x = int(f.getlength(text) + f.size * 3)
    for row, y in enumerate(range(0, side, step_y)):
        for x in range(-step_x + (row % 2) * step_x // 2, side, step_x):
            draw.text((x, y), text, font=f, fill=255)
    angle = float(rng.uniform(25, 40))
    layer = layer.rotate(angle, resample=Image.BILINEAR)
    left, top = (side - w) // 2, (side - h) // 2
    return np.asarray(layer.crop((left, top, left + w, top + h)), np.float32) / 255


def screenshot(clean: np.ndarray, level: int, rng: np.random.Generator, lines: list[Line]) -> Captured:
    d = SCREEN[level]
    dpi = d.dpi + float(rng.uniform(-2, 2))
    small, scale = _resize(clean, dpi)
    ph, pw = small.shape[:2]
    margin = [int(rng.integers(16, 48)) for _ in range(4)]  # left, top, right, bottom
    toolbar = 36 if d.alpha is None and rng.random() < 0.6 else 0
    dark_viewer = rng.random() < 0.5
    bg = (89, 86, 82) if dark_viewer else (232, 232, 232)
    fw, fh = pw + margin[0] + margin[2], ph + margin[1] + margin[3] + toolbar
    frame = np.empty((fh, fw, 3), np.uint8)
    frame[:] = bg
    ox, oy = margin[0], margin[1] + toolbar
    shadow = np.zeros((fh, fw), np.float32)
    shadow[oy + 3:oy + ph + 3, ox + 2:ox + pw + 2] = 1
    shadow = cv2.GaussianBlur(shadow, (0, 0), 3) * (0.45 if not dark_viewer else 0.6)
    frame = (frame * (1 - shadow[..., None])).astype(np.uint8)
    if toolbar:
        frame[:toolbar] = (57, 54, 50)
        for i in range(int(rng.integers(4, 8))):
            x = 12 + i * 34
            cv2.rectangle(frame, (x, 10), (x + 18, 26), (200, 200, 200), -1, cv2.LINE_AA)
    frame[oy:oy + ph, ox:ox + pw] = small
    matrix = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]], np.float64) @ scale
    mapping = matrix_map(matrix)
    drawn = np.zeros((fh, fw), np.uint8)  # annotation pixels outside the page stay opaque
    done: dict = {"screen_dpi": round(dpi, 1), "toolbar": toolbar, "viewer": "dark" if dark_viewer else "light"}

    def box_of(ln: Line) -> tuple[int, int, int, int]:
        return map_box(ln.box, mapping, (fw, fh))

    header = _header_lines(lines)
    if header:
        boxes = [box_of(ln) for ln in header]
        pad = 5
        rect = (min(b[0] for b in boxes) - pad, min(b[1] for b in boxes) - pad,
                max(b[2] for b in boxes) + pad, max(b[3] for b in boxes) + pad)
        thick = 2 if level < 2 else 3
        cv2.rectangle(frame, rect[:2], rect[2:], RED, thick, cv2.LINE_AA)
        cv2.rectangle(drawn, rect[:2], rect[2:], 255, thick)
        done["header_box"] = list(rect)
    body = [ln for ln in lines[len(header):] if len(ln.text) > 25] or lines
    picks = sorted(rng.choice(len(body), size=min(d.highlights, len(body)), replace=False).tolist())
    marked = []
    for i in picks:
        x0, y0, x1, y1 = box_of(body[i])
        x1 = int(x0 + (x1 - x0) * rng.uniform(0.6, 1.0))
        stripe = frame[y0 - 1:y1 + 2, x0 - 2:x1 + 2].astype(np.float32)
        frame[y0 - 1:y1 + 2, x0 - 2:x1 + 2] = (stripe * np.array([95, 238, 255], np.float32) / 255).astype(np.uint8)
        marked.append([x0 - 2, y0 - 1, x1 + 2, y1 + 2])
    done["highlights"] = marked
    arrows = []
    for k in range(d.arrows):
        target = marked[k % len(marked)] if marked else done.get("header_box", [fw // 2, fh // 2, fw // 2, fh // 2])
        tip = (min(fw - 8, target[2] + 6), (target[1] + target[3]) // 2)
        tail = (min(fw - 4, tip[0] + int(rng.integers(50, 110))), tip[1] + int(rng.integers(-45, 45)))
        colour = RED if rng.random() < 0.5 else BLUE
        cv2.arrowedLine(frame, tail, tip, colour, 3, cv2.LINE_AA, tipLength=0.25)
        cv2.arrowedLine(drawn, tail, tip, 255, 3, cv2.LINE_8, tipLength=0.25)
        arrows.append({"tail": list(tail), "tip": list(tip), "colour": "red" if colour == RED else "blue"})
    done["arrows"] = arrows
    text = WATERMARKS[int(rng.integers(len(WATERMARKS)))]
    wm = _watermark((fh, fw), text, rng) * d.watermark
    tint = np.array((150, 150, 150) if rng.random() < 0.5 else (200, 150, 110), np.float32)
    frame = (frame * (1 - wm[..., None]) + tint * wm[..., None]).clip(0, 255).astype(np.uint8)
    done.update(watermark=text, watermark_opacity=d.watermark, alpha=d.alpha, jpeg_quality=d.jpeg)
    out = frame
    if d.alpha:
        alpha = np.zeros((fh, fw), np.uint8)
        alpha[oy:oy + ph, ox:ox + pw] = 255
        alpha[drawn > 0] = 255
        if d.alpha == "black":
            out = frame.copy()
            out[alpha == 0] = 0
        out = np.dstack([out, alpha])
    out, encoded = _encode(out, d.suffix, d.jpeg, d.declared)
    return Captured(out, d.declared, dpi, mapping, d.suffix, done, encoded)


# ----------------------------------------------------------------------------------------------------- photo

@dataclass(frozen=True)
class Photo:
    frame: tuple[int, int]  # width, height of the camera image
    share: float  # the page's long side over the frame's long side
    tilt: float  # perspective: the far edge is this much shorter
    rotate: float  # max |degrees| in the frame
    curve: float  # bulge, page pixels at 300 dpi
    gradient: float  # light falling off across the frame
    shadow: float  # depth of a soft shadow (the phone, a hand)
    clutter: tuple[str, ...]
    blur: float
    noise: float
    jpeg: int
    declared: int | None
    landscape: bool = False  # phone held sideways: the page lies across the frame


PHOTO = {
    0: Photo((3000, 4000), 0.86, 0.03, 2, 0, 0.12, 0.0, (), 0.4, 2, 92, 72),
    1: Photo((3000, 4000), 0.80, 0.06, 4, 12, 0.22, 0.18, ("edge",), 0.6, 3, 88, None),
    2: Photo((2448, 3264), 0.74, 0.09, 6, 22, 0.30, 0.28, ("edge", "hand"), 0.8, 4, 82, 72),
    3: Photo((1600, 1200), 0.82, 0.12, 7, 32, 0.38, 0.36, ("edge", "hand", "sheet"), 1.0, 5, 75, None, True),
}


def _curve_dy(x: np.ndarray, y: np.ndarray, w: int, h: int, amp: float) -> np.ndarray:
    """A stapled dossier's bulge: lines bow, more towards the free bottom edge; corners stay put."""
    return amp * np.sin(np.pi * np.clip(x / w, 0, 1)) * (0.55 + 0.45 * np.clip(y / h, 0, 1))


def _table(rng: np.random.Generator, size: tuple[int, int], wood: bool) -> np.ndarray:
    w, h = size
    sw, sh = w // 4, h // 4
    if wood:
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        warp = _smooth_field(rng, (sh, sw), (6, 9), -1, 1) * 25
        freq = float(rng.uniform(0.08, 0.16))
        grain = 0.5 + 0.5 * np.sin((yy + warp + 0.04 * xx) * freq)
        grain = grain * 0.7 + 0.3 * rng.uniform(0, 1, (sh, sw)).astype(np.float32)
        grain = cv2.GaussianBlur(grain, (0, 0), sigmaX=1.5, sigmaY=0.4)
        darkc = np.array([30, 62, 105], np.float32) * float(rng.uniform(0.85, 1.15))
        light = np.array([75, 125, 180], np.float32) * float(rng.uniform(0.85, 1.05))
        small = darkc + (light - darkc) * grain[..., None]
    else:
        base = float(rng.uniform(105, 160))
        small = np.empty((sh, sw, 3), np.float32)
        small[:] = (base, base * 0.99, base * 0.97)
        small = small * _smooth_field(rng, (sh, sw), (5, 5), 0.9, 1.05)[..., None]
        small = small + rng.normal(0, 5, (sh, sw, 1)).astype(np.float32)
    return cv2.resize(small.clip(0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def _quad(rng: np.random.Generator, d: Photo, pw: int, ph: int) -> np.ndarray:
    fw, fh = d.frame
    long_side = max(fw, fh) * d.share
    page_h = long_side
    page_w = page_h * pw / ph
    cx = fw / 2 + fw * float(rng.uniform(-0.03, 0.03))
    cy = fh / 2 + fh * float(rng.uniform(-0.03, 0.03))
    q = np.array([[-page_w / 2, -page_h / 2], [page_w / 2, -page_h / 2], [page_w / 2, page_h / 2],
                  [-page_w / 2, page_h / 2]], np.float64)
    # The camera looks at the page from one side: that edge comes out longer.
    far = int(rng.integers(4))
    for i in (far, (far + 1) % 4):
        q[i] = q[i] * (1 - d.tilt)
    q += rng.uniform(-1, 1, (4, 2)) * d.tilt * 0.25 * page_w
    angle = math.radians(float(rng.uniform(-d.rotate, d.rotate)) + (float(rng.choice([90, -90])) if d.landscape else 0))
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    q = q @ rot.T
    # Keep every corner well inside the frame: a photo shows the whole page with some table around it.
    span = np.abs(q).max(axis=0)
    limit = np.array([fw / 2, fh / 2]) * 0.94
    q *= min(1.0, float((limit / span).min()))
    return q + [cx, cy]


def _lighting(rng: np.random.Generator, d: Photo, size: tuple[int, int], quad: np.ndarray) -> np.ndarray:
    fw, fh = size
    sw, sh = fw // 8, fh // 8
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    theta = float(rng.uniform(0, 2 * math.pi))
    t = (xx / sw - 0.5) * math.cos(theta) + (yy / sh - 0.5) * math.sin(theta)
    t = (t - t.min()) / (t.max() - t.min())
    light = 1 - d.gradient * t
    if d.shadow:
        # A soft shadow from one side of the page (the phone and the hand holding it).
        mask = np.zeros((sh, sw), np.float32)
        c = quad.mean(axis=0) / 8
        side = int(rng.integers(4))
        a, b = quad[side] / 8, quad[(side + 1) % 4] / 8
        inward = c - (a + b) / 2
        depth = float(rng.uniform(0.25, 0.45))
        poly = np.array([a - inward * 0.6, b - inward * 0.6, b + inward * depth, a + inward * depth], np.int32)
        cv2.fillPoly(mask, [poly], 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), max(sw, sh) * 0.04)
        light = light * (1 - d.shadow * mask)
    return cv2.resize(light, (fw, fh), interpolation=cv2.INTER_LINEAR)


def _composite(frame: np.ndarray, page: np.ndarray, H: np.ndarray, amp: float, under: float = 1.0) -> np.ndarray:
    """Warp `page` (curved by amp) through H onto frame; returns the page's 0..1 coverage mask (frame size)."""
    fh, fw = frame.shape[:2]
    ph, pw = page.shape[:2]
    corners = matrix_map(H)(np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64))
    grow = amp * np.abs(H[:2, :2]).max() * 2 + 4
    x0, y0 = (np.floor(corners.min(axis=0) - grow)).astype(int).clip(0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0) + grow).astype(int), [fw, fh])
    xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32))
    Hi = np.linalg.inv(H)
    den = Hi[2, 0] * xs + Hi[2, 1] * ys + Hi[2, 2]
    px = (Hi[0, 0] * xs + Hi[0, 1] * ys + Hi[0, 2]) / den
    py = (Hi[1, 0] * xs + Hi[1, 1] * ys + Hi[1, 2]) / den
    if amp:
        py = py - _curve_dy(px, py, pw, ph, amp)
    px, py = px.astype(np.float32), py.astype(np.float32)
    patch = cv2.remap(page, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    cover = cv2.remap(np.ones((ph, pw), np.float32), px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=0)[..., None]
    region = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (patch * under * cover + region * (1 - cover)).clip(0, 255).astype(np.uint8)
    full = np.zeros((fh, fw), np.float32)
    full[y0:y1, x0:x1] = cover[..., 0]
    return full


def photo(clean: np.ndarray, level: int, rng: np.random.Generator, lines: list[Line],
          second: Callable[[], np.ndarray]) -> Captured:
    d = PHOTO[level]
    fw, fh = d.frame
    ph, pw = clean.shape[:2]
    wood = bool(rng.random() < 0.5)
    frame = _table(rng, d.frame, wood)
    quad = _quad(rng, d, pw, ph)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    H = cv2.getPerspectiveTransform(src, quad.astype(np.float32)).astype(np.float64)
    done: dict = {"frame": [fw, fh], "table": "wood" if wood else "gray", "curvature": d.curve,
                  "tilt": d.tilt, "clutter": list(d.clutter), "jpeg_quality": d.jpeg}
    centre = quad.mean(axis=0)
    if "edge" in d.clutter:
        # The table ends: a bright edge, then the floor, on the side with the most room.
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        room = {"top": lo[1], "bottom": fh - hi[1], "left": lo[0], "right": fw - hi[0]}
        side = max(room, key=room.get)
        at = {"top": lo[1] * 0.45, "bottom": fh - (fh - hi[1]) * 0.45, "left": lo[0] * 0.45,
              "right": fw - (fw - hi[0]) * 0.45}[side]
        floor = np.array([58, 60, 70], np.float32) * float(rng.uniform(0.7, 1.2))
        slope = float(rng.uniform(-0.03, 0.03))
        if side in ("top", "bottom"):
            ys = at + slope * (np.arange(fw) - fw / 2)
            yy = np.arange(fh)[:, None]
            beyond = (yy < ys[None, :]) if side == "top" else (yy > ys[None, :])
            edge = np.abs(yy - ys[None, :]) < 4
        else:
            xs = at + slope * (np.arange(fh) - fh / 2)
            xx = np.arange(fw)[None, :]
            beyond = (xx < xs[:, None]) if side == "left" else (xx > xs[:, None])
            edge = np.abs(xx - xs[:, None]) < 4
        frame[beyond] = floor
        frame[edge] = (frame[edge] * 0.4 + 150).astype(np.uint8)
        done["table_edge"] = side
    if "sheet" in d.clutter:
        # A second sheet of the dossier lies under this one, turned and pushed out to one side.
        other = second()
        angle = math.radians(float(rng.uniform(6, 14)) * (1 if rng.random() < 0.5 else -1))
        rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        edge_dir = quad[1] - quad[0]
        push = edge_dir / np.linalg.norm(edge_dir) * np.linalg.norm(edge_dir) * float(rng.uniform(0.25, 0.4))
        q2 = (quad - centre) @ rot.T + centre + push * (1 if rng.random() < 0.5 else -1)
        H2 = cv2.getPerspectiveTransform(src, q2.astype(np.float32)).astype(np.float64)
        _composite(frame, other.astype(np.float32), H2, 0, under=0.88)
        done["second_sheet"] = [[round(float(x), 1), round(float(y), 1)] for x, y in q2]
    # The page's own shadow on the table.
    mask = np.zeros((fh, fw), np.float32)
    cv2.fillPoly(mask, [(quad + [6, 9]).astype(np.int32)], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), 9)
    frame = (frame * (1 - 0.35 * mask[..., None])).astype(np.uint8)
    paper = clean.astype(np.float32) * np.array([0.97, 0.985, 1.0], np.float32)
    _composite(frame, paper, H, d.curve)

    def forward(pts: np.ndarray) -> np.ndarray:
        pts = np.asarray(pts, np.float64).copy()
        pts[:, 1] = pts[:, 1] + _curve_dy(pts[:, 0], pts[:, 1], pw, ph, d.curve)
        return pts
    mapping = compose(forward, matrix_map(H))
    if "hand" in d.clutter:
        # A thumb holding the left edge: it reaches at most 11 mm into the 30 mm margin, never over the text.
        t = np.linspace(0, 2 * math.pi, 72)
        yc = ph * float(rng.uniform(0.3, 0.75))
        reach = mm(float(rng.uniform(6, 11)))
        ax, ay = mm(34), mm(10.5)
        ellipse = np.c_[reach - ax + ax * np.cos(t), yc + ay * np.sin(t)]
        poly = mapping(ellipse)
        hand = np.zeros((fh, fw), np.float32)
        cv2.fillPoly(hand, [poly.astype(np.int32)], 1.0)
        hand = cv2.GaussianBlur(hand, (0, 0), 2.5)
        skin = np.array([118, 150, 205], np.float32) * float(rng.uniform(0.75, 1.05))
        shade = _smooth_field(rng, (fh, fw), (3, 3), 0.8, 1.05)[..., None]
        frame = (frame * (1 - hand[..., None]) + skin * shade * hand[..., None]).clip(0, 255).astype(np.uint8)
        done["hand"] = [[round(float(x), 1), round(float(y), 1)] for x, y in poly[::9]]
    light = _lighting(rng, d, d.frame, quad)
    warm = np.array([0.9, 0.97, 1.0], np.float32) if level else np.ones(3, np.float32)
    out = frame.astype(np.float32) * light[..., None] * warm
    if d.blur:
        out = cv2.GaussianBlur(out, (0, 0), d.blur)
    out = out + rng.normal(0, d.noise, (fh, fw, 1)).astype(np.float32) \
        + rng.normal(0, d.noise * 0.5, out.shape).astype(np.float32)
    out = out.clip(0, 255).astype(np.uint8)
    out, encoded = _encode(out, ".jpg", d.jpeg, d.declared)
    corners = page_corners(mapping, pw, ph)
    c = np.array(corners)
    true_dpi = (np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2 / A4_INCHES[1]
    turn = math.degrees(math.atan2(c[1][1] - c[0][1], c[1][0] - c[0][0]))
    done.update(page_corners=corners, gradient=d.gradient, shadow=d.shadow,
                rotated_cw=int(round(turn / 90)) % 4 * 90, in_plane_angle=round(turn, 2))
    return Captured(out, d.declared, float(true_dpi), mapping, ".jpg", done, encoded)


# ---------------------------------------------------------------------------------------------------- lowres

@dataclass(frozen=True)
class LowRes:
    dpi: int
    skew: float
    blur: float
    noise: float
    yellowing: float
    jpeg: int | None


LOWRES = {
    0: LowRes(150, 0.0, 0.0, 0, 0.0, None),
    1: LowRes(150, 0.8, 0.5, 3, 0.3, 80),
    2: LowRes(96, 1.2, 0.5, 4, 0.4, None),
    3: LowRes(96, 2.0, 0.7, 6, 0.6, 65),
}


def lowres(clean: np.ndarray, level: int, rng: np.random.Generator, lines: list[Line]) -> Captured:
    d = LOWRES[level]
    page = clean.astype(np.float32)
    matrix = np.eye(3)
    if d.yellowing:
        page = page * np.array([1 - 0.2 * d.yellowing, 1 - 0.08 * d.yellowing, 1 - 0.02 * d.yellowing], np.float32)
    angle = 0.0
    if d.skew:
        angle = float(rng.uniform(d.skew / 3, d.skew)) * (1 if rng.random() < 0.5 else -1)
        page, rot = _skew(page, angle, (240, 240, 240))
        matrix = rot @ matrix
    if d.blur:
        page = cv2.GaussianBlur(page, (0, 0), d.blur)
    out, scale = _resize(page, d.dpi)
    matrix = scale @ matrix
    if d.noise:
        out = out + rng.normal(0, d.noise, out.shape).astype(np.float32)
    out = out.clip(0, 255).astype(np.uint8)
    suffix = ".jpg" if d.jpeg else ".png"
    out, encoded = _encode(out, suffix, d.jpeg, d.dpi)
    done = {"skew": round(angle, 3), "jpeg_quality": d.jpeg, "yellowing": d.yellowing}
    return Captured(out, d.dpi, float(d.dpi), matrix_map(matrix), suffix, done, encoded)
