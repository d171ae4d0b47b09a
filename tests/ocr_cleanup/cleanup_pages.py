"""Render synthetic Vietnamese administrative pages and their scanner defects for the clean-up tests."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"

BODY = [
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;",
    "Xét đề nghị của Ông Nguyễn Văn Hùng, thửa đất số 123, tờ bản đồ số 45,",
    "địa chỉ thường trú tại xã Tân Phú, huyện Đồng Xoài, tỉnh Bình Phước.",
    "Điều 1. Công nhận quyền sử dụng đất cho hộ gia đình ông Nguyễn Văn Hùng",
    "với diện tích 250 mét vuông, mục đích sử dụng: đất ở tại nông thôn.",
    "Điều 2. Văn phòng đăng ký đất đai có trách nhiệm cập nhật hồ sơ địa chính,",
    "chỉnh lý biến động và trao giấy chứng nhận cho người sử dụng đất.",
    "Điều 3. Chánh Văn phòng Ủy ban nhân dân huyện, Trưởng phòng Tài nguyên",
    "và Môi trường, Chủ tịch Ủy ban nhân dân xã Tân Phú và ông Nguyễn Văn Hùng",
    "chịu trách nhiệm thi hành Quyết định này kể từ ngày ký ban hành.",
    "Hồ sơ gồm: đơn đề nghị, bản sao căn cước công dân, sổ hộ khẩu, trích lục",
    "bản đồ địa chính, biên bản xác minh hiện trạng sử dụng đất của xã.",
]


@lru_cache(maxsize=8)
def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, px)


def points_to_px(points: float, dpi: int) -> int:
    return round(points * dpi / 72)


def render_page(dpi: int = 300, width_mm: float = 210, height_mm: float = 297, lines: list[str] | None = None,
                points: float = 13) -> np.ndarray:
    """A white A4 page (BGR) with the national motto, a title and body text in Times-metric serif."""
    w, h = round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)
    page = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(page)
    body = _font(FONT, points_to_px(points, dpi))
    bold = _font(FONT_BOLD, points_to_px(points, dpi))
    margin = round(25 / 25.4 * dpi)
    line_h = round(points_to_px(points, dpi) * 1.5)
    y = round(20 / 25.4 * dpi)
    draw.text((margin, y), "ỦY BAN NHÂN DÂN", font=bold, fill="black")
    draw.text((w // 2 - margin // 2, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill="black")
    y += line_h
    draw.text((margin, y), "HUYỆN ĐỒNG XOÀI", font=bold, fill="black")
    draw.text((w // 2, y), "Độc lập - Tự do - Hạnh phúc", font=bold, fill="black")
    y += 2 * line_h
    draw.text((margin, y), "Số: 123/QĐ-UBND", font=body, fill="black")
    draw.text((w // 2, y), "Đồng Xoài, ngày 14 tháng 9 năm 2022", font=body, fill="black")
    y += 2 * line_h
    draw.text((w // 2 - 4 * line_h, y), "QUYẾT ĐỊNH", font=bold, fill="black")
    y += 2 * line_h
    text = BODY if lines is None else lines
    while y < h - margin - line_h:
        for line in text:
            if y >= h - margin - line_h:
                break
            draw.text((margin, y), line, font=body, fill="black")
            y += line_h
        if lines is not None:
            break
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def render_lines(lines: list[str], dpi: int = 300, points: float = 13, width_mm: float = 180) -> np.ndarray:
    """A small white strip (BGR) holding just the given lines — cheap input for Tesseract checks."""
    px = points_to_px(points, dpi)
    line_h = round(px * 1.6)
    w = round(width_mm / 25.4 * dpi)
    h = line_h * len(lines) + 2 * px
    page = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((px, px + i * line_h), line, font=_font(FONT, px), fill="black")
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def rotate_by(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate counter-clockwise by `angle` degrees about the centre, keeping the canvas, white fill."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    fill = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def add_seal(image: np.ndarray, center: tuple[int, int], radius: int, bgr=(40, 40, 210)) -> np.ndarray:
    """Multiply a red round seal (ring, inner ring, star) over the page, as ink stamped on toner does."""
    ink = np.full_like(image, 255)
    thick = max(2, radius // 14)
    cv2.circle(ink, center, radius, bgr, thick, cv2.LINE_AA)
    cv2.circle(ink, center, int(radius * 0.72), bgr, thick // 2 + 1, cv2.LINE_AA)
    star = np.array([[np.cos(a) * radius * (0.3 if k % 2 else 0.12), np.sin(a) * radius * (0.3 if k % 2 else 0.12)]
                     for k, a in enumerate(np.linspace(-np.pi / 2, 3 * np.pi / 2, 10, endpoint=False))])
    cv2.fillPoly(ink, [(star + center).astype(np.int32)], bgr, cv2.LINE_AA)
    for k in range(24):  # the lettering around the ring: short strokes
        a = 2 * np.pi * k / 24
        r0, r1 = radius * 0.78, radius * 0.93
        p0 = (int(center[0] + r0 * np.cos(a)), int(center[1] + r0 * np.sin(a)))
        p1 = (int(center[0] + r1 * np.cos(a)), int(center[1] + r1 * np.sin(a)))
        cv2.line(ink, p0, p1, bgr, thick // 2 + 1, cv2.LINE_AA)
    return (image.astype(np.uint16) * ink // 255).astype(np.uint8)


def add_signature(image: np.ndarray, origin: tuple[int, int], size: int, bgr=(150, 60, 20)) -> np.ndarray:
    """A blue ballpoint scribble multiplied over the page."""
    ink = np.full_like(image, 255)
    t = np.linspace(0, 4 * np.pi, 400)
    xs = origin[0] + size * t / (4 * np.pi) * 2
    ys = origin[1] + size * 0.3 * np.sin(3 * t) + size * 0.1 * np.cos(7 * t)
    pts = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(ink, [pts], False, bgr, max(2, size // 60), cv2.LINE_AA)
    return (image.astype(np.uint16) * ink // 255).astype(np.uint8)


def yellow_and_shadow(image: np.ndarray, shadow_side: str = "left") -> np.ndarray:
    """Yellowed paper with a dark binding shadow fading in from one side."""
    h, w = image.shape[:2]
    x = np.linspace(0, 1, w, dtype=np.float32)
    if shadow_side == "right":
        x = x[::-1]
    shade = 0.45 + 0.55 * np.clip(x / 0.35, 0, 1) ** 0.6  # 0.45 at the spine, 1 past a third of the page
    tint = np.array([0.78, 0.93, 1.0], dtype=np.float32)  # yellow: less blue
    out = image.astype(np.float32) * shade[None, :, None] * tint[None, None, :]
    return np.clip(out, 0, 255).astype(np.uint8)


def add_noise(image: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def add_speckle(image: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """Scattered 1-2 px dark dots, as dust on the scanner glass leaves."""
    rng = np.random.default_rng(seed)
    out = image.copy()
    h, w = image.shape[:2]
    ys, xs = rng.integers(0, h - 2, count), rng.integers(0, w - 2, count)
    for y, x in zip(ys, xs):
        s = int(rng.integers(1, 3))
        out[y:y + s, x:x + s] = 0
    return out


def add_dark_border(image: np.ndarray, widths: tuple[int, int, int, int]) -> np.ndarray:
    """Black bands (top, right, bottom, left) where the scanner lid did not cover the glass."""
    out = image.copy()
    t, r, b, l = widths
    if t:
        out[:t] = 20
    if b:
        out[-b:] = 20
    if l:
        out[:, :l] = 20
    if r:
        out[:, -r:] = 20
    return out


def add_punch_holes(image: np.ndarray, dpi: int, x_mm: float = 12) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Two 6 mm dark holes near the left edge, 80 mm apart, centred vertically; returns their centres."""
    out = image.copy()
    h = image.shape[0]
    r = round(3 / 25.4 * dpi)
    x = round(x_mm / 25.4 * dpi)
    gap = round(40 / 25.4 * dpi)
    centres = [(x, h // 2 - gap), (x, h // 2 + gap)]
    for c in centres:
        cv2.circle(out, c, r, (30, 30, 30), -1, cv2.LINE_AA)
    return out, centres


def bleed_through(page: np.ndarray, strength: float = 0.12) -> np.ndarray:
    """A blank sheet showing the mirrored text of its other side, faintly."""
    back = cv2.flip(page, 1).astype(np.float32)
    out = 255 - (255 - back) * strength
    return np.clip(out, 0, 255).astype(np.uint8)


def read_text(image: np.ndarray, dpi: int = 300, psm: int = 6) -> str:
    """What Tesseract `vie` reads on an image, words joined by single spaces (NFC)."""
    from ocr.tesseract import image_to_data
    from ocr.text import nfc

    data = image_to_data(image, lang="vie", psm=psm, dpi=dpi)
    return nfc(" ".join(w for w in data["text"] if w and w.strip()))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over the reference length, spaces collapsed."""
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    previous = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        current = [i]
        for j, hc in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (rc != hc)))
        previous = current
    return previous[-1] / max(1, len(ref))
