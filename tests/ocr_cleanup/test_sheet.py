"""Sheet detection: a photographed page is found to its corners; scans and screenshots are left alone."""

from __future__ import annotations

import time
from pathlib import Path
from functools import lru_cache

import cv2
import numpy as np
import pytest
from cleanup_pages import add_dark_border, render_page, yellow_and_shadow

from benchmarks.sheet_accuracy import true_corners
from benchmarks.synth import generate_page
from ocr.cleanup.sheet import Sheet, find_sheet, flatten_sheet, sheet_dpi
from ocr.load import load_page

REAL = Path(__file__).resolve().parents[2] / "benchmarks" / "real" / "pages"

TOLERANCE = 0.015  # of the photo's diagonal


@lru_cache(maxsize=2)
def _page(dpi: int) -> np.ndarray:
    return render_page(dpi=dpi)


def background(kind: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A table top: wood grain, a gray table with its edge over a dark floor, or a dark desk."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        grain = 0.5 + 0.5 * np.sin(y / (7 + 4 * rng.random()) + 3 * np.sin(x / 140 + rng.random() * 6))
        knots = 0.5 + 0.5 * np.sin(x / 37 + 2 * np.sin(y / 60))
        tone = 0.7 + 0.25 * grain + 0.1 * knots
        image = np.array([45, 90, 155], np.float32) * tone[..., None]
    elif kind == "gray":
        image = np.full((h, w, 3), 112, np.float32)
        # The table's edge: a slanted line with a dark floor beyond it.
        edge = h * (0.9 + 0.05 * rng.random()) + (x - w / 2) * rng.uniform(-0.08, 0.08)
        image[y > edge] = (50, 55, 62)
    else:
        image = np.full((h, w, 3), (34, 32, 30), np.float32)
    return image + rng.normal(0, 5, (h, w, 1)).astype(np.float32)


def truth_corners(h: int, w: int, aspect: float, rng: np.random.Generator, fill: float = 0.72) -> np.ndarray:
    """A page-shaped quad: centred, rotated up to 12 deg, each corner pushed up to 5% about (perspective)."""
    ph = fill * h
    pw = ph / aspect
    if pw > 0.8 * w:
        pw = 0.8 * w
        ph = pw * aspect
    box = np.array([[-pw / 2, -ph / 2], [pw / 2, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]])
    angle = np.radians(rng.uniform(-12, 12))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    quad = box @ rot.T + [w / 2 + rng.uniform(-0.04, 0.04) * w, h / 2 + rng.uniform(-0.04, 0.04) * h]
    quad += rng.uniform(-0.05, 0.05, (4, 2)) * [w, h]
    return quad.astype(np.float32)


def paste(image: np.ndarray, sheet: np.ndarray, quad: np.ndarray, tint=(0.93, 0.97, 1.0)) -> None:
    """Warp `sheet` onto `image` (float32 BGR) at `quad`, antialiased along its edge."""
    sh, sw = sheet.shape[:2]
    src = np.float32([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]])
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    size = (image.shape[1], image.shape[0])
    warped = cv2.warpPerspective(sheet, matrix, size, flags=cv2.INTER_AREA).astype(np.float32)
    alpha = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), matrix, size).astype(np.float32) / 255
    warped *= np.float32(tint)
    image[:] = image * (1 - alpha[..., None]) + warped * alpha[..., None]


def add_hand(image: np.ndarray, quad: np.ndarray, rng: np.random.Generator) -> None:
    """A palm and fingers in skin tone, holding the sheet over one of its sides."""
    side = int(rng.integers(4))
    a, b = quad[side], quad[(side + 1) % 4]
    at = a + rng.uniform(0.25, 0.75) * (b - a)
    centre = quad.mean(axis=0)
    out = at - centre
    out /= np.linalg.norm(out)
    scale = np.hypot(*image.shape[:2]) / 20
    skin = np.zeros(image.shape[:2], np.uint8)
    palm = at + out * scale * 1.6
    cv2.ellipse(skin, tuple(int(v) for v in palm), (int(scale * 1.8), int(scale * 1.3)),
                float(np.degrees(np.arctan2(out[1], out[0]))), 0, 360, 255, -1)
    across = np.array([-out[1], out[0]])
    for k in range(-1, 3):  # fingers reach onto the page
        tip = at - out * scale * rng.uniform(0.4, 0.9) + across * scale * 0.55 * k
        root = palm + across * scale * 0.5 * k
        cv2.line(skin, tuple(int(v) for v in root), tuple(int(v) for v in tip), 255, int(scale * 0.45))
    depth = cv2.distanceTransform(skin, cv2.DIST_L2, 3) / (0.4 * scale)
    shade = 0.85 + 0.15 * np.clip(depth, 0, 1)[..., None]
    colour = np.float32([118, 150, 205]) * shade
    image[skin > 0] = colour[skin > 0]


def add_second_sheet(image: np.ndarray, quad: np.ndarray, rng: np.random.Generator) -> None:
    """Part of another page under the main one, running off the photo on the left or the right."""
    h, w = image.shape[:2]
    left = rng.random() < 0.5
    dx = -0.55 * w if left else 0.55 * w
    other = quad + [dx, rng.uniform(-0.08, 0.08) * h] + rng.uniform(-0.02, 0.02, (4, 2)) * [w, h]
    page = _page(60)
    paste(image, page, other, tint=(0.86, 0.9, 0.92))


def photo(kind: str, seed: int, hand: bool = False, second: bool = False, gradient: bool = False,
          h: int = 1000, w: int = 750) -> tuple[np.ndarray, np.ndarray]:
    """A phone-like photo of a page (BGR uint8) and the page's true corners TL, TR, BR, BL."""
    rng = np.random.default_rng(seed)
    page = _page(100)
    image = background(kind, h, w, rng)
    quad = truth_corners(h, w, page.shape[0] / page.shape[1], rng)
    if second:
        add_second_sheet(image, quad, rng)
    paste(image, page, quad)
    if hand:
        add_hand(image, quad, rng)
    if gradient:
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        direction = rng.uniform(0, 2 * np.pi)
        t = (np.cos(direction) * (x - w / 2) + np.sin(direction) * (y - h / 2)) / np.hypot(h, w) + 0.5
        image *= (0.55 + 0.5 * t)[..., None]
    image = cv2.GaussianBlur(np.clip(image, 0, 255).astype(np.uint8), (3, 3), 0.8)  # camera blur
    image = cv2.add(image, rng.integers(0, 7, image.shape, dtype=np.uint8))  # sensor noise
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return cv2.imdecode(data, cv2.IMREAD_COLOR), quad


def corner_error(sheet: Sheet, truth: np.ndarray, shape: tuple[int, ...]) -> float:
    """The worst corner's distance from the truth, as a share of the photo's diagonal."""
    return float(np.linalg.norm(sheet.corners - truth, axis=1).max() / np.hypot(*shape[:2]))


CASES = [
    ("wood", {}), ("gray", {}), ("dark", {}),
    ("wood", {"hand": True}), ("gray", {"hand": True}), ("dark", {"hand": True}),
    ("wood", {"gradient": True}), ("gray", {"gradient": True}), ("dark", {"gradient": True}),
    ("wood", {"second": True}), ("dark", {"second": True}), ("gray", {"second": True}),
    ("dark", {"hand": True, "gradient": True}), ("wood", {"hand": True, "second": True}),
]


@pytest.mark.parametrize(("kind", "extras"), CASES, ids=[f"{k}-{'-'.join(e) or 'plain'}" for k, e in CASES])
@pytest.mark.parametrize("seed", [1, 2])
def test_photographed_page_corners_are_found(kind, extras, seed):
    image, truth = photo(kind, seed * 100 + len(extras) * 7 + len(kind), **extras)
    sheet = find_sheet(image)
    assert sheet is not None
    assert sheet.corners.shape == (4, 2) and sheet.corners.dtype == np.float32
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_sheet_that_cannot_be_told_apart_is_not_cropped_wrongly(seed):
    # Known limit: a lighting gradient stronger than the brightness difference between the page and another
    # sheet under it merges the two at every threshold. Then no sheet, never a wrong crop.
    image, truth = photo("wood", seed * 100 + 25, hand=True, gradient=True, second=True)
    sheet = find_sheet(image)
    assert sheet is None or corner_error(sheet, truth, image.shape) <= TOLERANCE


def _benchmark_photo(kind: str, seed: int, level: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A photo of the OCR benchmark (at level 3 another sheet under the page, a hand, a table edge) and its corners."""
    page = generate_page(kind, seed, level, capture="photo")
    return page.image, true_corners(page.metadata["page_corners"])


def _page_area_lost(sheet: Sheet, truth: np.ndarray) -> float:
    inside, _ = cv2.intersectConvexConvex(sheet.corners, truth)
    return 1 - inside / cv2.contourArea(truth)


@pytest.mark.parametrize(("kind", "seed"), [("form", 1), ("receipt", 5)])
def test_a_sheet_lying_on_another_sheet_is_found_to_its_own_corners(kind, seed):
    # Both sheets are one bright region at every threshold; the page's edge against the other sheet is inside
    # that region, and its side where the other sheet ends hides behind the other sheet's stronger edge.
    # Before the inset search no sheet was found on either photo.
    image, truth = _benchmark_photo(kind, seed)
    sheet = find_sheet(image)
    assert sheet is not None and sheet.method.endswith("-inset")
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


@pytest.mark.parametrize(("kind", "seed"), [("decision", 0), ("decision", 6)])
def test_a_sheet_on_another_sheet_is_never_cropped_into_its_text(kind, seed):
    # On these two the outline found still takes in a strip of the sheet underneath (4-10% more area): harmless
    # text around the page. What must not happen is a side moved in past the page's own edge.
    image, truth = _benchmark_photo(kind, seed)
    sheet = find_sheet(image)
    assert sheet is not None
    assert _page_area_lost(sheet, truth) <= 0.02


@pytest.mark.parametrize(("kind", "seed"), [("form", 54), ("receipt", 55), ("decision", 71)])
def test_a_sheet_whose_shadowed_end_has_a_sharp_edge_is_completed_to_the_a4_shape(kind, seed):
    # The shadow's edge is a straight, well-supported step inside the page, and the region's side stopped at it:
    # 13%, 12% and 40% of the page were cut away (form 54 then read 20.4% CER, receipt 55 9.1%). Seeds 48-71 were made
    # only to check the sheet finder; seeds 0-47 keep their outlines with the A-shape completion.
    image, truth = _benchmark_photo(kind, seed)
    sheet = find_sheet(image)
    assert sheet is not None and sheet.method.endswith("-completed")
    assert _page_area_lost(sheet, truth) <= 0.02
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


def test_a_receipt_far_from_the_a4_shape_is_not_completed():
    # A thermal receipt is three times as long as wide: no step within reach brings it to the A shape, and the
    # real photos of receipts keep the outline they had.
    for name in ("hd_vinmart_camphha_rot90_photo.jpg", "receipt_upside_down_photo.jpg"):
        sheet = find_sheet(load_page(REAL / name, 0).image)
        assert sheet is not None and not sheet.method.endswith("-completed")


@pytest.mark.parametrize(("kind", "seed", "level"), [("form", 13, 2), ("decision", 20, 3), ("form", 3, 3)])
def test_a_sheet_whose_end_lies_in_shadow_is_found_to_its_own_corners(kind, seed, level):
    # A shadow darkens the sheet's far end below every threshold: the region's side runs through the shadow,
    # beyond the reach of the wide band. Before the outward search no sheet was found on the first two photos
    # (form 13 then read 8.6% CER, the clutter beside the page read with it), and the third's outline took in
    # 13% more area than the page (corner error 0.075).
    image, truth = _benchmark_photo(kind, seed, level)
    sheet = find_sheet(image)
    assert sheet is not None
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


@pytest.mark.parametrize(("kind", "seed", "level"), [("decision", 14, 2), ("decision", 38, 3)])
def test_a_text_line_in_the_shadowed_end_is_not_taken_for_the_edge(kind, seed, level):
    # The region's side ran through the shadow next to a text line (a centred title, a header row), which
    # the wide band fitted as the edge, weakly but above MIN_SUPPORT. Before: the header beyond it was cut
    # away (11% and 23% of the page).
    image, truth = _benchmark_photo(kind, seed, level)
    sheet = find_sheet(image)
    assert sheet is not None
    assert _page_area_lost(sheet, truth) <= 0.02
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


@pytest.mark.parametrize(("kind", "seed"), [("decision", 8), ("receipt", 10)])
def test_a_side_an_inset_leaves_in_place_is_refitted_to_the_edge(kind, seed):
    # Moving one side in to the page's edge against the sheet underneath left the others on the rough outline,
    # 10-25 px from their edges, where only the narrow band looked for them. Before: no sheet found on the
    # first photo, 3% of table area taken in with the second (corner error 0.036).
    image, truth = _benchmark_photo(kind, seed)
    sheet = find_sheet(image)
    assert sheet is not None
    assert corner_error(sheet, truth, image.shape) <= TOLERANCE


@pytest.mark.parametrize(("kind", "seed"), [("decision", 12), ("decision", 11), ("form", 9)])
def test_a_side_along_a_sheet_underneath_does_not_run_on_onto_the_table(kind, seed):
    # A side fitted to the edge of the sheet underneath, better supported than the page's own weaker edge
    # against that sheet, runs past that sheet's corner, and the outline's corner lies on the table. Before:
    # table taken in beside the page on the first and third (the first read 10.7% CER), no sheet on the second.
    image, truth = _benchmark_photo(kind, seed)
    sheet = find_sheet(image)
    assert sheet is not None
    assert _page_area_lost(sheet, truth) <= 0.02
    assert cv2.contourArea(sheet.corners) / cv2.contourArea(truth) - 1 <= 0.02


def test_flattened_page_is_upright_cropped_and_keeps_resolution():
    image, truth = photo("wood", 7)
    sheet = find_sheet(image)
    assert sheet is not None
    flat = flatten_sheet(image, sheet)
    longest_edge = max(np.linalg.norm(truth[i] - truth[(i + 1) % 4]) for i in range(4))
    assert flat.shape[0] > flat.shape[1]  # portrait page stays portrait
    assert max(flat.shape[:2]) >= 0.98 * longest_edge
    # Background gone: the outer 1% of the result is paper, not wood.
    k = max(2, flat.shape[0] // 100)
    rim = np.concatenate([flat[:k].reshape(-1, 3), flat[-k:].reshape(-1, 3), flat[:, :k].reshape(-1, 3),
                          flat[:, -k:].reshape(-1, 3)])
    assert np.median(rim.min(axis=1)) > 150
    # The text lines run horizontally: the row profile is far sharper than the column profile.
    ink = (cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY) < 110).astype(np.float32)
    assert ink.mean(axis=1).std() > 1.5 * ink.mean(axis=0).std()
    assert sheet_dpi(flatten_sheet(image, sheet, dpi_hint=300)) >= 299


def test_a_nearly_a4_sheet_is_snapped_to_a4_and_an_other_shape_is_kept():
    image = np.full((1200, 1000, 3), 200, np.uint8)
    near = Sheet(np.float32([[100, 100], [800, 100], [800, 1080], [100, 1080]]), 1.0, "contour")  # 1.40
    flat = flatten_sheet(image, near)
    assert abs(flat.shape[0] / flat.shape[1] - np.sqrt(2)) < 0.005 and flat.shape[0] >= 980
    wide = Sheet(np.float32([[100, 100], [900, 100], [900, 700], [100, 700]]), 1.0, "contour")
    assert flatten_sheet(image, wide).shape[:2] == (600, 800)  # 4:3 is no A-series shape


def test_nothing_is_found_on_a_bare_table():
    rng = np.random.default_rng(3)
    image = np.clip(background("wood", 1000, 750, rng), 0, 255).astype(np.uint8)
    assert find_sheet(image) is None


def _screenshot() -> np.ndarray:
    shot = np.full((900, 1440, 3), 255, np.uint8)
    shot[:60] = (235, 235, 235)  # a light toolbar
    for row in range(120, 860, 28):
        cv2.putText(shot, "Ho so so 2022-000123 - UBND xa Tan Phu", (80, row), cv2.FONT_HERSHEY_SIMPLEX, 0.7,
                    (40, 40, 40), 1, cv2.LINE_AA)
    cv2.rectangle(shot, (300, 200), (1200, 700), (0, 0, 230), 4)
    return shot


def _scans() -> dict[str, np.ndarray]:
    page = _page(150)
    return {
        "white margins": page,
        "dark scanner strip": add_dark_border(page.copy(), (0, 0, 40, 0)),
        "binding shadow": yellow_and_shadow(page),
        "gray scan": cv2.cvtColor(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR),
        "screenshot": _screenshot(),
    }


@pytest.mark.parametrize("name", list(_scans()))
def test_a_scan_or_screenshot_is_left_alone(name):
    assert find_sheet(_scans()[name]) is None


def test_a_full_page_scan_is_rejected_in_a_few_milliseconds():
    page = _page(300)
    find_sheet(page)
    start = time.perf_counter()
    for _ in range(5):
        assert find_sheet(page) is None
    assert (time.perf_counter() - start) / 5 < 0.02  # generous for a loaded 2-core machine; ~2 ms idle
