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
