"""Digitization codes: results `<Mã hồ sơ>-KQ<n>`, components per a validated, configurable template."""

from __future__ import annotations

import pytest

from sohoa.domain.digitization_codes import (
    DEFAULT_COMPONENT_TEMPLATE,
    ComponentCodeScheme,
    DigitizationCodeError,
    digitization_code,
)

CODE = "H21.65-220914-0011"
COMPONENT = {"owner_id": "046085001234", "procedure_code": "1.001193", "component_code": "TP01"}


def test_result_code_follows_nd_45_2020() -> None:
    assert digitization_code("result", dossier_code=CODE, ordinal=1) == f"{CODE}-KQ1"
    # The dossier code is taken in its canonical form, however it was typed or read.
    assert digitization_code("result", dossier_code="h21.65 220914 OO11", ordinal=12) == f"{CODE}-KQ12"


def test_default_component_code_is_owner_procedure_component_ordinal() -> None:
    assert DEFAULT_COMPONENT_TEMPLATE == "{owner_id}.{procedure_code}.{component_code}.{ordinal:02d}"
    assert digitization_code("component", dossier_code=CODE, ordinal=3, **COMPONENT) == "046085001234.1.001193.TP01.03"
    # A company's tax code (MST) stands where a person's CCCD does.
    mst = dict(COMPONENT, owner_id="0101234567-001")
    assert digitization_code("component", dossier_code=CODE, ordinal=1, **mst) == "0101234567-001.1.001193.TP01.01"


def test_same_inputs_same_code() -> None:
    codes = {digitization_code("component", dossier_code=CODE, ordinal=2, **COMPONENT) for _ in range(3)}
    assert len(codes) == 1


def test_a_province_sets_its_own_template() -> None:
    scheme = ComponentCodeScheme("{dossier_code}-TP{ordinal:03d}")
    assert digitization_code("component", dossier_code=CODE, ordinal=7, scheme=scheme) == f"{CODE}-TP007"
    # Fields the template does not use are not required.
    assert digitization_code("component", dossier_code=CODE, ordinal=7, owner_id=None, scheme=scheme)


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{owner_id}.{procedure_code}.{component_code}", "needs {ordinal}"),
        ("{procedure_code}.{component_code}.{ordinal}", "needs {owner_id} or {dossier_code}"),
        ("{owner_id}.{applicant}.{ordinal}", "unknown field {applicant}"),
        ("{owner_id!r}.{ordinal}", "only {ordinal} takes a format"),
        ("{owner_id:>20}.{ordinal}", "only {ordinal} takes a format"),
        ("{owner_id.{ordinal}", "unexpected '{'"),
        ("{owner_id}.{ordinal:x}", "only {ordinal} takes a format"),
    ],
)
def test_a_bad_template_is_refused_with_the_reason(template: str, reason: str) -> None:
    with pytest.raises(DigitizationCodeError) as caught:
        ComponentCodeScheme(template)
    assert reason in str(caught.value) and template in str(caught.value)


@pytest.mark.parametrize(
    ("role", "kwargs", "reason"),
    [
        ("receipt", {}, "role 'receipt' gets no digitization code"),
        ("result", {"dossier_code": "H21.65"}, "is not <unit>-<YYMMDD>-<NNNN>"),
        ("result", {"ordinal": 0}, "ordinal 0"),
        ("result", {"ordinal": True}, "ordinal True"),
        ("component", {"owner_id": "04608500123"}, "owner_id '04608500123'"),  # 11 digits
        ("component", {"owner_id": None}, "owner_id ''"),
        ("component", {"procedure_code": "TTHC-1"}, "procedure_code 'TTHC-1'"),
        ("component", {"component_code": "TP 01"}, "component_code 'TP 01'"),
    ],
)
def test_missing_or_malformed_inputs_are_named(role: str, kwargs: dict, reason: str) -> None:
    args = {"dossier_code": CODE, "ordinal": 1, **COMPONENT, **kwargs}
    with pytest.raises(DigitizationCodeError) as caught:
        digitization_code(role, **args)
    assert reason in str(caught.value)
