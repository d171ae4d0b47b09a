"""Regression: a page given document numbers by the catalogue gets them as exact look-up keys."""

from indexing.query import page_keys


def test_given_document_numbers_become_normalised_keys() -> None:
    keys = page_keys("H21.65-220914-0011", ("123/QĐ-UBND",), "Quyết định về việc cấp giấy")
    assert "123/QD-UBND" in keys
    assert "H21.65-220914-0011" in keys
