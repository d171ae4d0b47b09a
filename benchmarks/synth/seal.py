"""Red round seals and blue signature scribbles, blended onto a page the way ink lies on paper."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from benchmarks.synth.canvas import font

SEAL_RED = (205, 32, 45)
SIGNATURE_BLUE = (28, 52, 168)


def multiply(page: Image.Image, layer: np.ndarray) -> Image.Image:
    """Ink adds absorption: the result is page x layer / 255, so black text under red ink stays black."""
    base = np.asarray(page, dtype=np.float32)
    out = base * layer.astype(np.float32) / 255.0
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def _ink_layer(size: tuple[int, int], mask: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """White where there is no ink, `colour` where mask is 1, linear in between."""
    white = np.full((size[1], size[0], 3), 255, np.float32)
    ink = np.array(colour, np.float32)
    m = mask[..., None].astype(np.float32)
    return white * (1 - m) + ink * m


def seal_mask(radius: int, ring_text: str, rng: random.Random) -> np.ndarray:
    """A round seal's ink coverage (0..1): outer and inner rings, text around the band, a star in the middle."""
    size = 2 * radius + 8
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    c = size / 2
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=max(6, radius // 20))
    inner = radius * 0.66
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=max(3, radius // 50))
    # Letters stand upright along the band, each rotated to face the centre.
    f = font("bold", radius / 8.5)
    text_radius = (radius + inner) / 2
    step = 2 * math.pi / (len(ring_text) + 2)
    for i, ch in enumerate(ring_text):
        angle = -math.pi / 2 - step * (len(ring_text) - 1) / 2 + i * step
        glyph = Image.new("L", (int(f.size * 1.6), int(f.size * 1.6)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=f, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        gx = c + text_radius * math.cos(angle) - glyph.width / 2
        gy = c + text_radius * math.sin(angle) - glyph.height / 2
        img.paste(255, (int(gx), int(gy)), glyph)
    star_r = inner * 0.42
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=255)
    mask = np.asarray(img, np.float32) / 255.0
    # Uneven stamp pressure: ink is fainter on one side and blotchy everywhere.
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    tilt = rng.uniform(0, 2 * math.pi)
    pressure = 0.8 + 0.2 * np.cos(np.arctan2(yy - c, xx - c) - tilt)
    np_rng = np.random.default_rng(rng.randrange(2**32))
    blotch = cv2.GaussianBlur(np_rng.uniform(0.55, 1.0, (size, size)).astype(np.float32), (0, 0), 3)
    return (mask * pressure * blotch).clip(0, 1)


def stamp(page: Image.Image, centre: tuple[int, int], radius: int, ring_text: str, rng: random.Random) -> Image.Image:
    mask = seal_mask(radius, ring_text, rng)
    angle = rng.uniform(-25, 25)
    h, w = mask.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    mask = cv2.warpAffine(mask, rot, (w, h))
    full = np.zeros((page.height, page.width), np.float32)
    x0, y0 = centre[0] - w // 2, centre[1] - h // 2
    full[y0:y0 + h, x0:x0 + w] = mask
    return multiply(page, _ink_layer(page.size, full * 0.92, SEAL_RED))


def signature(page: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> Image.Image:
    """A fast pen scribble inside box: a few loops and a long underline stroke, in blue ballpoint ink."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    mask = np.zeros((page.height, page.width), np.uint8)
    strokes = rng.randint(2, 3)
    for s in range(strokes):
        n = 90
        t = np.linspace(0, 1, n)
        loops = rng.uniform(2, 4.5)
        xs = x0 + w * (0.05 + 0.8 * t + 0.06 * np.sin(2 * math.pi * loops * t + rng.uniform(0, 6)))
        ys = y0 + h * (0.5 + 0.32 * np.sin(2 * math.pi * loops * t * rng.uniform(0.8, 1.3) + rng.uniform(0, 6))
                       - 0.15 * t + 0.1 * s)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(mask, [pts], False, 255, thickness=rng.randint(3, 5), lineType=cv2.LINE_AA)
    yline = int(y0 + h * rng.uniform(0.7, 0.9))
    cv2.line(mask, (int(x0 + w * 0.1), yline), (int(x1 - w * 0.05), yline - int(h * 0.12)), 255, 3, cv2.LINE_AA)
    return multiply(page, _ink_layer(page.size, mask.astype(np.float32) / 255.0 * 0.95, SIGNATURE_BLUE))
