"""The synthetic page generator: deterministic, honest ground truth, readable QR codes, scanner-like files."""

from __future__ import annotations

import csv
import json

import numpy as np
import pikepdf
import pytest
import zxingcpp
from PIL import Image

from benchmarks.synth import KINDS, generate_page, make_sample_batch, save_page, save_pages
from benchmarks.synth.__main__ import main as synth_main
from benchmarks.synth.canvas import mm


@pytest.fixture(scope="module")
def decision0():
    return generate_page("decision", 3, 0)


def test_same_seed_same_page_and_different_seed_different_page():
    a, b = generate_page("form", 11, 2), generate_page("form", 11, 2)
    assert np.array_equal(a.image, b.image) and a.text == b.text
    c = generate_page("form", 12, 2)
    assert c.text != a.text


def test_every_level_damages_the_same_content():
    clean, heavy = generate_page("receipt", 5, 0), generate_page("receipt", 5, 3)
    assert clean.text == heavy.text and clean.dossier_code == heavy.dossier_code
    assert heavy.dpi == 200 and clean.dpi == 300
    assert heavy.metadata["damage"]["rotated_cw"] in (90, 180, 270)
    assert heavy.metadata["damage"]["upright_rotation"] == (360 - heavy.metadata["damage"]["rotated_cw"]) % 360
    assert not np.array_equal(clean.image[:100, :100], heavy.image[:100, :100])


def test_decision_truth_follows_nd30_reading_order(decision0):
    lines = decision0.text.splitlines()
    # Left header block (agency, number) comes before the right block (motto, place and date).
    assert lines[0].startswith(("UBND HUYỆN", "UBND TỈNH"))
    number = next(i for i, ln in enumerate(lines) if ln.startswith("Số: ") and "/QĐ-UBND" in ln)
    motto = lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert number < motto < lines.index("Độc lập - Tự do - Hạnh phúc")
    assert ", ngày " in lines[motto + 2]
    assert lines.index("QUYẾT ĐỊNH") > motto
    assert lines[-1] == decision0.metadata["signer"]


def test_seal_text_and_dot_leaders_stay_out_of_the_truth(decision0):
    form = generate_page("form", 3, 0)
    assert "*" not in decision0.text
    assert "..." not in form.text
    # The seal is really there: plenty of red pixels around its centre.
    x, y = decision0.metadata["seal_centre"]
    r = decision0.metadata["seal_radius"]
    patch = decision0.image[y - r:y + r, x - r:x + r].astype(int)
    red = (patch[..., 2] > 150) & (patch[..., 1] < 120) & (patch[..., 0] < 130)
    assert red.mean() > 0.05


def test_line_boxes_lie_inside_the_page_and_follow_rotation():
    for level in (0, 3):
        page = generate_page("decision", 8, level)
        h, w = page.image.shape[:2]
        assert [ln.text for ln in page.lines] == page.text.splitlines()
        for ln in page.lines:
            x0, y0, x1, y1 = ln.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        first = page.lines[0].box
        turn = page.metadata["damage"]["rotated_cw"]
        if turn == 180:
            assert first[1] > h / 2  # the top line is now near the bottom
        elif turn == 90:
            assert first[0] > w / 2
        elif turn == 270:
            assert first[2] < w / 2
        else:
            assert first[3] < h / 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_receipt_qr_names_dossier_procedure_and_applicant(seed):
    page = generate_page("receipt", seed, 1)
    assert f"Mã hồ sơ: {page.dossier_code}" in page.text
    found = [r.text for r in zxingcpp.read_barcodes(page.image)]
    assert page.qr_payload in found
    for value in (page.dossier_code, page.metadata["procedure_code"], page.metadata["applicant_id"]):
        assert value in page.qr_payload
    assert len(page.metadata["applicant_id"]) == 12 and page.metadata["applicant_id"].isdigit()


def test_qr_payload_formats_vary():
    payloads = [generate_page("receipt", s, 0).qr_payload for s in range(12)]
    assert any("|" in p for p in payloads)
    assert any(p.startswith("{") for p in payloads)
    assert any(p.startswith("https://") for p in payloads)


def test_unknown_kind_or_level_is_refused():
    with pytest.raises(ValueError, match="unknown page kind 'letter'"):
        generate_page("letter", 1, 0)
    with pytest.raises(ValueError, match="level"):
        generate_page("form", 1, 4)


def test_pdf_and_tiff_keep_every_page_and_its_resolution(tmp_path):
    pages = [generate_page("form", 1, 0), generate_page("decision", 1, 3)]
    pdf = save_pages(pages, tmp_path / "stack.pdf")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 2
        widths_in = [float(p.mediabox[2]) / 72 for p in doc.pages]
    assert widths_in == pytest.approx([pages[0].image.shape[1] / 300, pages[1].image.shape[1] / 200], rel=0.01)
    tif = save_pages(pages, tmp_path / "stack.tif")
    with Image.open(tif) as im:
        dpis = []
        for i in range(im.n_frames):
            im.seek(i)
            dpis.append(round(im.info["dpi"][0]))
    assert dpis == [300, 200]
    png = save_page(pages[0], tmp_path / "one.png")
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == 300
    with pytest.raises(ValueError, match="one.bmp"):
        save_page(pages[0], tmp_path / "one.bmp")
    with pytest.raises(ValueError, match="holds one page"):
        save_pages(pages, tmp_path / "two.jpg")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return make_sample_batch(tmp_path_factory.mktemp("sample"))


def test_sample_batch_is_a_realistic_scanner_folder(sample):
    names = sorted(p.name for p in sample.scan_dir.iterdir())
    assert names == sorted(f.path.name for f in sample.files)
    assert 15 <= sample.page_count <= 20
    assert sum(p.level <= 2 for f in sample.files for p in f.pages) >= sample.page_count - 2
    suffixes = {f.path.suffix for f in sample.files}
    assert {".pdf", ".tif", ".jpg"} <= suffixes
    by_name = {f.path.name: f for f in sample.files}
    for f in sample.files:
        if f.link == "file name":
            code = f.path.name.rsplit(".", 2)[0]
            assert set(f.dossier_codes) == {code}
    jpeg = next(f for f in sample.files if f.path.suffix == ".jpg")
    assert jpeg.link == "text" and f"Mã hồ sơ: {jpeg.dossier_codes[0]}" in jpeg.pages[0].text
    stack = by_name["SCAN_0001.pdf"]
    starts = [i for i, p in enumerate(stack.pages) if p.kind == "receipt"]
    assert len(starts) == 3 and starts[0] == 0
    assert len(set(stack.dossier_codes)) == 3
    for i in starts:
        assert stack.dossier_codes[i] in stack.pages[i].qr_payload
    orphan = [f for f in sample.files if f.link == "none"]
    assert len(orphan) == 1 and orphan[0].dossier_codes == [None]
    with pikepdf.open(stack.path) as doc:
        assert len(doc.pages) == 7


def test_sample_registry_uses_vietnamese_headers_and_is_not_fully_scanned(sample):
    with sample.registry_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Mã TTHC", "Tên TTHC", "Chủ hồ sơ",
                             "Ngày tiếp nhận", "Trạng thái"]
    codes = [r["Mã hồ sơ"] for r in rows]
    assert sorted(codes) == sorted(sample.registered)
    linked = {c for f in sample.files for c in f.dossier_codes if c}
    assert linked == set(sample.scanned) and linked < set(codes)
    assert 0 < sample.digitization_rate < 1
    json.loads(sample.to_json())


def test_corpus_cli_writes_pages_and_truth(tmp_path):
    assert synth_main(["corpus", str(tmp_path), "--pages-per-level", "1", "--seed", "4"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["pages"]
    assert [p["level"] for p in truth] == [0, 1, 2, 3]
    for entry in truth:
        assert (tmp_path / entry["file"]).exists() and entry["text"]
    assert {p["kind"] for p in truth} <= set(KINDS)


# ------------------------------------------------------------------ capture kinds (issue 8): how the page reached us

NEW_CAPTURES = ("faint", "screenshot", "photo", "lowres")
_pages: dict = {}


def captured(capture: str, level: int, kind: str = "decision", seed: int = 4):
    """Generated once per module: photos are 12-megapixel frames."""
    key = (capture, level, kind, seed)
    if key not in _pages:
        _pages[key] = generate_page(kind, seed, level, capture=capture)
    return _pages[key]


def _ink_contrast(page) -> float:
    """Paper minus ink inside the truth boxes of the body lines (90th minus 2nd percentile of gray)."""
    gray = page.image if page.image.ndim == 2 else page.image[..., :3].mean(axis=2)
    values = []
    for ln in page.lines[len(page.lines) // 3: 2 * len(page.lines) // 3]:
        x0, y0, x1, y1 = ln.box
        values.append(gray[y0:y1, x0:x1].ravel())
    v = np.concatenate(values)
    return float(np.percentile(v, 90) - np.percentile(v, 2))


@pytest.mark.parametrize("capture", NEW_CAPTURES)
def test_every_capture_exists_at_every_level_with_the_same_text(capture):
    scan = generate_page("decision", 4, 0)
    for level in (0, 1, 2, 3):
        page = captured(capture, level)
        assert page.capture == capture and page.metadata["capture"] == capture
        assert page.text == scan.text and [ln.text for ln in page.lines] == scan.text.splitlines()
        h, w = page.image.shape[:2]
        for ln in page.lines:
            x0, y0, x1, y1 = ln.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        json.dumps(page.truth())


@pytest.mark.parametrize("capture", NEW_CAPTURES)
def test_captures_are_deterministic_per_seed(capture):
    a = captured(capture, 2)
    b = generate_page("decision", 4, 2, capture=capture)
    assert np.array_equal(a.image, b.image) and a.encoded == b.encoded and a.metadata == b.metadata
    c = generate_page("decision", 5, 2, capture=capture)
    assert c.text != a.text
    assert a.image.shape != c.image.shape or not np.array_equal(a.image, c.image)


def test_scans_are_unchanged_by_the_capture_argument():
    a, b = generate_page("receipt", 6, 2), generate_page("receipt", 6, 2, capture="scan")
    assert np.array_equal(a.image, b.image) and a.suffix == ".png" and a.capture == "scan"
    with pytest.raises(ValueError, match="unknown capture 'fax'"):
        generate_page("receipt", 6, 2, capture="fax")


def test_faint_is_low_contrast_gray_with_bleed_shadow_holes_as_tiff_or_jpeg(tmp_path):
    scan = generate_page("decision", 4, 0)
    contrasts = [_ink_contrast(captured("faint", lv)) for lv in range(4)]
    assert _ink_contrast(scan) > 180
    assert all(c < 0.6 * _ink_contrast(scan) for c in contrasts), contrasts
    assert contrasts[0] > contrasts[3]  # fainter with the level
    for level, (suffix, dpi) in enumerate([(".tif", 300), (".tif", 300), (".jpg", 200), (".jpg", 200)]):
        page = captured("faint", level)
        assert page.image.ndim == 2 and page.suffix == suffix and page.dpi == dpi
        path = save_page(page, tmp_path / f"faint{level}{suffix}")
        with Image.open(path) as im:
            assert im.mode == "L" and round(im.info["dpi"][0]) == dpi
    page = captured("faint", 0)
    img = page.image.astype(float)
    h, w = img.shape
    # Binding shadow: the left edge is much darker than the paper in the middle of the left margin.
    assert img[:, :mm(3)].mean() < img[:, mm(20):mm(26)].mean() - 40
    for x, y in page.metadata["damage"]["punch_holes"]:
        assert img[y - 5:y + 5, x - 5:x + 5].mean() < 90
    # Bleed-through: paper away from the front's lines and seal is not blank, the back's text shows faintly.
    assert _off_text_ink(page) > 0.01 > 20 * _off_text_ink(scan)


def _off_text_ink(page) -> float:
    """Share of faintly dark pixels (8-80 below the paper) on paper that carries no front text or seal."""
    img = page.image.astype(float)
    img = img if img.ndim == 2 else img.mean(axis=2)
    h, w = img.shape
    keep = np.zeros_like(img, bool)
    keep[int(h * 0.05):-int(h * 0.05), int(w * 0.15):-int(w * 0.1)] = True
    for ln in page.lines:
        x0, y0, x1, y1 = ln.box
        keep[max(0, y0 - 15):y1 + 15, max(0, x0 - 15):x1 + 15] = False
    (x, y), r = page.metadata["seal_centre"], page.metadata["seal_radius"]
    keep[max(0, y - r - 200):y + r + 10, max(0, x - r - 10):] = False  # seal and signature
    v = img[keep]
    paper = np.median(v)
    return float(((v < paper - 8) & (v > paper - 80)).mean())


def test_screenshot_is_screen_scale_with_web_dpi_annotations_and_alpha(tmp_path):
    declared = []
    for level in range(4):
        page = captured("screenshot", level)
        declared.append(page.dpi)
        assert 72 <= page.metadata["true_dpi"] <= 110
        # Screen scale: a 13-14 pt line box (ascender to descender) is 12-22 px tall, x-height ~6-9 px.
        heights = sorted(ln.box[3] - ln.box[1] for ln in page.lines)
        assert 10 <= heights[len(heights) // 2] <= 22
        path = save_page(page, tmp_path / f"shot{level}{page.suffix}")
        with Image.open(path) as im:
            # PNG stores pixels per metre: 96 dpi reads back as 96.012.
            assert im.info.get("dpi") is None or round(im.info["dpi"][0]) in (72, 96)
            if page.dpi:
                assert round(im.info["dpi"][0]) == page.dpi
            else:
                assert "dpi" not in im.info
            if page.image.ndim == 3 and page.image.shape[2] == 4:
                assert im.mode == "RGBA"
        bgr = page.image[..., :3].astype(int)
        red = (bgr[..., 2] > 170) & (bgr[..., 1] < 90) & (bgr[..., 0] < 90)
        x0, y0, x1, y1 = page.metadata["damage"]["header_box"]
        assert red[y0 - 2:y0 + 3, x0:x1].mean() > 0.5 and red[y0:y1, x0 - 2:x0 + 3].mean() > 0.5
        hx0, hy0, hx1, hy1 = page.metadata["damage"]["highlights"][0]
        stripe = bgr[hy0:hy1, hx0:hx1]
        yellow = (stripe[..., 2] > 200) & (stripe[..., 1] > 190) & (stripe[..., 0] < 150)
        assert yellow.mean() > 0.3
        assert page.metadata["damage"]["arrows"] and page.metadata["damage"]["watermark_opacity"] > 0
    assert {72, 96} <= set(declared) and None in declared
    assert [captured("screenshot", lv).metadata["true_dpi"] for lv in range(4)] == \
        sorted((captured("screenshot", lv).metadata["true_dpi"] for lv in range(4)), reverse=True)
    rgba = [captured("screenshot", lv) for lv in range(4) if captured("screenshot", lv).image.shape[2] == 4]
    assert rgba
    for page in rgba:
        alpha = page.image[..., 3]
        (cx0, cy0), _, (cx1, cy1), _ = page.metadata["page_corners"]
        assert alpha[int(cy0) + 5:int(cy1) - 5, int(cx0) + 5:int(cx1) - 5].min() == 255
        assert (alpha == 0).mean() > 0.02


def test_photo_shows_the_page_in_perspective_on_a_table_with_camera_size_and_wrong_dpi(tmp_path):
    sizes = set()
    for level in range(4):
        page = captured("photo", level)
        h, w = page.image.shape[:2]
        sizes.add((w, h))
        assert page.suffix == ".jpg" and page.dpi in (72, None)
        path = save_page(page, tmp_path / f"photo{level}.jpg")
        assert path.read_bytes() == page.encoded
        with Image.open(path) as im:
            assert im.size == (w, h) and (round(im.info["dpi"][0]) == 72 if page.dpi else "dpi" not in im.info)
        corners = np.array(page.metadata["page_corners"])
        assert corners.shape == (4, 2)
        frame = np.array([[0, 0], [w, 0], [w, h], [0, h]])
        # The page lies inside the frame, well away from the image corners and edges...
        assert (corners[:, 0] > 0.02 * w).all() and (corners[:, 0] < 0.98 * w).all()
        assert (corners[:, 1] > 0.02 * h).all() and (corners[:, 1] < 0.98 * h).all()
        assert min(np.linalg.norm(corners[i] - frame[j]) for i in range(4) for j in range(4)) > 0.04 * min(w, h)
        # ... and in perspective: opposite edges differ in length, the quad is no rectangle.
        edges = [np.linalg.norm(corners[(i + 1) % 4] - corners[i]) for i in range(4)]
        assert abs(edges[0] - edges[2]) > 0.005 * max(edges) or abs(edges[1] - edges[3]) > 0.005 * max(edges)
        # Outside the page is the table, not paper; the truth boxes lie inside the page.
        gray = page.image.mean(axis=2)
        table = gray[:int(corners[:, 1].min()) - 20, :] if corners[:, 1].min() > 40 else gray[:, :20]
        assert np.median(table) < np.median(gray[int(h * 0.45):int(h * 0.55), int(w * 0.45):int(w * 0.55)]) - 25
        hull = corners.astype(np.float32).reshape(-1, 1, 2)
        import cv2
        for ln in page.lines:
            cx, cy = (ln.box[0] + ln.box[2]) / 2, (ln.box[1] + ln.box[3]) / 2
            assert cv2.pointPolygonTest(hull, (float(cx), float(cy)), False) > 0
    assert sizes <= {(3000, 4000), (2448, 3264), (1600, 1200)} and len(sizes) >= 2
    heavy = captured("photo", 3)
    assert heavy.metadata["damage"]["rotated_cw"] in (90, 270)
    assert {"edge", "hand", "sheet"} <= set(heavy.metadata["damage"]["clutter"])
    assert [captured("photo", lv).metadata["true_dpi"] for lv in range(4)] == \
        sorted((captured("photo", lv).metadata["true_dpi"] for lv in range(4)), reverse=True)
    assert [captured("photo", lv).metadata["damage"]["curvature"] for lv in range(4)] == [0, 12, 22, 32]


def test_lowres_scans_are_96_or_150_dpi_with_a_red_seal():
    for kind in ("decision", "receipt"):
        for level in range(4):
            page = captured("lowres", level, kind)
            assert page.dpi == page.metadata["true_dpi"] == (150 if level < 2 else 96)
            assert page.image.shape[1] == pytest.approx(210 / 25.4 * page.dpi, abs=2)
            bgr = page.image.astype(int)
            red = (bgr[..., 2] > 150) & (bgr[..., 1] < 130) & (bgr[..., 0] < 140) & (bgr[..., 2] - bgr[..., 1] > 60)
            assert red.sum() > 200, (kind, level)


def test_page_corners_of_a_plain_scan_are_the_image_corners():
    page = generate_page("form", 2, 0)
    h, w = page.image.shape[:2]
    assert page.metadata["page_corners"] == [[0, 0], [w, 0], [w, h], [0, h]]


def test_benchmark_corpus_has_every_capture_at_every_level():
    from benchmarks.ocr_quality import corpus

    full = corpus(3, False, 0)
    cells = {(c, lv) for _, _, lv, c in full}
    assert cells == {(c, lv) for c in ("scan", *NEW_CAPTURES) for lv in range(4)}
    assert sum(c == "scan" for *_, c in full) == 36 and len(full) == 36 + 16
    assert len(corpus(3, False, 0, capture_seeds=3)) == 36 + 48
    quick = corpus(3, True, 0)
    assert {c for *_, c in quick} == {"scan", *NEW_CAPTURES} and len(quick) == 16
    assert {lv for _, _, lv, _ in quick} == {0, 1, 2, 3}
    # The same page at every level of a capture, so levels compare fairly.
    for capture in NEW_CAPTURES:
        assert len({(k, s) for k, s, _, c in full if c == capture}) == 1


def test_corpus_cli_writes_a_capture_in_its_own_file_type(tmp_path):
    assert synth_main(["corpus", str(tmp_path), "--pages-per-level", "1", "--seed", "4", "--capture", "lowres"]) == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["pages"]
    assert [p["capture"] for p in truth] == ["lowres"] * 4
    assert [p["file"].rsplit(".", 1)[1] for p in truth] == ["png", "jpg", "png", "jpg"]
    assert all((tmp_path / p["file"]).exists() and p["metadata"]["page_corners"] for p in truth)
