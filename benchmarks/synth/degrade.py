"""Scanner and paper damage by level (0 clean .. 3 a bad commune scanner), deterministic for a given generator."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Damage:
    """What one level does; every range is sampled per page."""

    skew: tuple[float, float]  # |degrees|
    blur: float  # Gaussian sigma at 300 dpi
    noise: float  # std of sensor noise, grey levels
    yellowing: float  # 0 white .. 1 old paper
    bleed: float  # opacity of the mirrored back page
    shadow: float  # depth of the binding shadow
    border: int  # max width of dark scanner-lid strips, px
    holes: bool
    speckle: int  # dust specks per page
    jpeg: int | None  # JPEG quality, None = lossless
    dpi: int
    rotate: bool  # turned 90/180/270 degrees on the glass


DAMAGE = {
    0: Damage((0, 0), 0, 0, 0, 0, 0, 0, False, 0, None, 300, False),
    1: Damage((0.3, 1.0), 0.6, 4, 0.3, 0, 0, 0, False, 60, 85, 300, False),
    2: Damage((1.0, 2.5), 0.85, 7, 0.6, 0.07, 0.35, 40, False, 250, 60, 300, False),
    3: Damage((2.0, 4.0), 1.0, 9, 0.85, 0.1, 0.5, 70, True, 600, 45, 200, True),
}


def _affine3(m: np.ndarray) -> np.ndarray:
    return np.vstack([m, [0, 0, 1]])


def transform_box(box: tuple[int, int, int, int], matrix: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The bounding box, clipped to the image (width, height), of a box moved by a 3x3 matrix."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], np.float64).T
    moved = matrix @ pts
    xs, ys = moved[0], moved[1]
    w, h = size
    return (int(max(0, xs.min())), int(max(0, ys.min())), int(min(w, xs.max())), int(min(h, ys.max())))


def degrade(image: np.ndarray, level: int, rng: np.random.Generator) -> tuple[np.ndarray, int, np.ndarray, dict]:
    """Damage a clean 300 dpi BGR page. Returns (image, dpi, 3x3 page->image matrix, what was done)."""
    if level not in DAMAGE:
        raise ValueError(f"degradation level must be one of {LEVELS}, got {level!r}")
    d = DAMAGE[level]
    h, w = image.shape[:2]
    matrix = np.eye(3)
    done: dict = {"level": level, "rotated_cw": 0, "skew": 0.0, "dpi": 300}
    if level == 0:
        return image.copy(), 300, matrix, done
    page = image.astype(np.float32)

    if d.bleed:
        # The back page shows through mirrored and soft.
        back = cv2.GaussianBlur(cv2.flip(image, 1), (0, 0), 2.5).astype(np.float32)
        back = np.roll(back, (int(rng.integers(-60, 60)), int(rng.integers(-40, 40))), axis=(0, 1))
        page = page * (1 - d.bleed) + np.minimum(page, back) * d.bleed
    if d.yellowing:
        tone = np.array([1 - 0.22 * d.yellowing, 1 - 0.09 * d.yellowing, 1 - 0.02 * d.yellowing], np.float32)
        # Uneven ageing: a low-frequency stain field.
        stain = cv2.resize(rng.uniform(0.93, 1.0, (6, 5)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        page = page * tone * (1 - (1 - stain[..., None]) * d.yellowing)
    if d.shadow:
        # A book-bound dossier leaves a dark gradient along the spine (left edge).
        width = int(w * rng.uniform(0.06, 0.12))
        ramp = np.ones(w, np.float32)
        ramp[:width] = 1 - d.shadow * (1 - np.linspace(0, 1, width)) ** 2
        page = page * ramp[None, :, None]
    if d.holes:
        for cy in (h // 2 - int(h * 0.12), h // 2 + int(h * 0.12)):
            cv2.circle(page, (int(w * 0.045), cy + int(rng.integers(-20, 20))), int(w * 0.014), (55, 55, 58), -1,
                       cv2.LINE_AA)
    if d.speckle:
        n = int(d.speckle)
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        for y, x, r in zip(ys, xs, rng.integers(1, 4, n)):
            cv2.circle(page, (int(x), int(y)), int(r), float(rng.uniform(40, 120)), -1)

    angle = float(rng.uniform(*d.skew)) * (1 if rng.random() < 0.5 else -1)
    shift = (float(rng.integers(-d.border, d.border + 1)), float(rng.integers(-d.border // 2, d.border // 2 + 1))) \
        if d.border else (0.0, 0.0)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot[:, 2] += shift
    lid = float(rng.uniform(30, 70)) if d.border else 245.0
    page = cv2.warpAffine(page, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(lid, lid, lid))
    matrix = _affine3(rot) @ matrix
    done.update(skew=round(angle, 3), shift=shift)

    if d.blur:
        page = cv2.GaussianBlur(page, (0, 0), d.blur)
    if d.noise:
        page = page + rng.normal(0, d.noise, page.shape).astype(np.float32)
    out = page.clip(0, 255).astype(np.uint8)

    dpi = 300
    if d.dpi != 300:
        scale = d.dpi / 300
        out = cv2.resize(out, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        matrix = np.diag([scale, scale, 1.0]) @ matrix
        dpi = d.dpi
    if d.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        done["jpeg_quality"] = d.jpeg
    if d.rotate:
        turn = int(rng.choice([90, 180, 270]))
        oh, ow = out.shape[:2]
        code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[turn]
        out = cv2.rotate(out, code)
        turn_matrix = {
            90: np.array([[0, -1, oh - 1], [1, 0, 0], [0, 0, 1]], np.float64),
            180: np.array([[-1, 0, ow - 1], [0, -1, oh - 1], [0, 0, 1]], np.float64),
            270: np.array([[0, 1, 0], [-1, 0, ow - 1], [0, 0, 1]], np.float64),
        }[turn]
        matrix = turn_matrix @ matrix
        done["rotated_cw"] = turn
    done["dpi"] = dpi
    done["upright_rotation"] = (360 - done["rotated_cw"]) % 360
    return np.ascontiguousarray(out), dpi, matrix, done
