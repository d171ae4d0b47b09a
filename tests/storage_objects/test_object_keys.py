"""Safe object keys: validation, content-addressed key builders, file-name suffixes and storage URLs."""

from __future__ import annotations

import unicodedata

import pytest

from storage.errors import InvalidKeyError, InvalidStorageUrlError
from storage.local import LocalObjectStore
from sohoa.compose import open_object_store
from storage.objects import (
    derived_key,
    original_key,
    redact_url,
    safe_suffix,
    validate_key,
)
from storage.s3 import S3ObjectStore

DIGEST = "ab" + "cd" + "0123456789abcdef" * 3 + "0123456789ab"


def test_original_and_derived_keys_fan_out_by_digest() -> None:
    assert len(DIGEST) == 64
    assert original_key(DIGEST, ".pdf") == f"originals/ab/cd/{DIGEST}.pdf"
    assert original_key(DIGEST) == f"originals/ab/cd/{DIGEST}"
    assert derived_key(DIGEST, "ocr.pdf") == f"derived/ab/cd/{DIGEST}/ocr.pdf"
    assert derived_key(DIGEST, "page-0001.txt") == validate_key(f"derived/ab/cd/{DIGEST}/page-0001.txt")


@pytest.mark.parametrize("digest", ["", "ABCD" * 16, DIGEST[:-1], DIGEST + "0", "../" + DIGEST[3:], "g" * 64])
def test_key_builders_refuse_anything_but_a_sha256(digest: str) -> None:
    with pytest.raises(InvalidKeyError):
        original_key(digest, ".pdf")
    with pytest.raises(InvalidKeyError):
        derived_key(digest, "ocr.pdf")


@pytest.mark.parametrize("suffix", ["pdf", ".PDF", ".tài", "./x", ".a b", ".verylongsuffix"])
def test_original_key_refuses_unsafe_suffixes(suffix: str) -> None:
    with pytest.raises(InvalidKeyError):
        original_key(DIGEST, suffix)


@pytest.mark.parametrize("name", ["ocr/../../x", "../x", "a b", ""])
def test_derived_key_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(InvalidKeyError):
        derived_key(DIGEST, name)


@pytest.mark.parametrize(
    ("file_name", "suffix"),
    [
        ("Giấy tiếp nhận.PDF", ".pdf"),
        (unicodedata.normalize("NFD", "Quyết định.Tif"), ".tif"),
        ("scan 001.jpeg", ".jpeg"),
        ("C:\\Scans\\hồ sơ.png", ".png"),
        ("../../etc/passwd", ""),
        ("no-extension", ""),
        (".hidden", ""),
        ("trailing.", ""),
        ("bản.tài liệu", ""),
        ("archive.tar.gz", ".gz"),
    ],
)
def test_safe_suffix_keeps_only_plain_ascii_extensions(file_name: str, suffix: str) -> None:
    assert safe_suffix(file_name) == suffix


def test_open_object_store_picks_the_backend_from_the_url(tmp_path) -> None:
    local = open_object_store(tmp_path.as_uri())
    assert isinstance(local, LocalObjectStore) and local.root == tmp_path

    s3 = open_object_store("s3://AK:s%2Fecret@127.0.0.1:8333/sohoa-archive?secure=false&retries=0")
    assert isinstance(s3, S3ObjectStore)
    assert s3.bucket == "sohoa-archive" and s3.endpoint == "http://127.0.0.1:8333"
    assert "ecret" not in s3.url and "ecret" not in repr(s3)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/x",
        "file://relative/path",
        "s3://127.0.0.1:9000/bucket",
        "s3://AK:topsecret@127.0.0.1:9000/",
        "s3://AK:topsecret@127.0.0.1:9000/Bad_Bucket",
        "s3://AK:topsecret@127.0.0.1:9000/bucket?secure=maybe",
        "s3://AK:topsecret@127.0.0.1:9000/bucket?retries=many",
        "s3://AK:topsecret@127.0.0.1:9000/bucket?verify=no",
        "s3://AK:topsecret@127.0.0.1:port/bucket",
    ],
)
def test_bad_storage_urls_are_refused_without_leaking_the_secret(url: str) -> None:
    with pytest.raises(InvalidStorageUrlError) as caught:
        open_object_store(url)
    assert "topsecret" not in str(caught.value)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("s3://AK:SK@h:1/b?secure=false") == "s3://AK:***@h:1/b?secure=false"
    assert redact_url("file:///srv/sohoa") == "file:///srv/sohoa"
