"""Digitization codes (mã kết quả số hóa) for the results and components of a dossier: one configurable rule.

    digitization_code(role: str, *, dossier_code: str, ordinal: int, owner_id: str | None = None,
                      procedure_code: str | None = None, component_code: str | None = None,
                      scheme: ComponentCodeScheme = DEFAULT_COMPONENT_SCHEME) -> str
    ComponentCodeScheme(template: str)        # validated; raises DigitizationCodeError naming the problem
    DEFAULT_COMPONENT_TEMPLATE = "{owner_id}.{procedure_code}.{component_code}.{ordinal:02d}"

- A result (kết quả giải quyết) is coded `<Mã hồ sơ>-KQ<n>` (NĐ 45/2020/NĐ-CP Điều 14 khoản 3): the dossier
  code in its canonical form, then KQ and the result's number within the dossier (1, 2, ...), no padding.
- A component (thành phần hồ sơ) has no national code format; one provincial system codes it
  `<owner ID (CCCD/MST)>.<procedure code>.<component code>.<NN>` and that is the default. Another province
  sets its own template (a settings value) from the fields {dossier_code}, {owner_id}, {procedure_code},
  {component_code} and {ordinal} (with an optional integer format such as {ordinal:02d}); the template must
  contain {ordinal} and at least one of {dossier_code} and {owner_id}, so two dossiers never share a code.
- Receipts (giấy tiếp nhận) are not digitized components and get no code.

The same inputs always give the same code, so re-running ingest cannot renumber a document; the catalogue keeps
a code once given (storage/catalog/roles.py).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from sohoa.domain.codes import normalize_dossier_code

DEFAULT_COMPONENT_TEMPLATE = "{owner_id}.{procedure_code}.{component_code}.{ordinal:02d}"
SCHEME_FIELDS = ("dossier_code", "owner_id", "procedure_code", "component_code", "ordinal")
ROLES_WITH_CODES = ("result", "component")

# CCCD (12 digits), old CMND (9), tax code MST (10, or 13 as 10-3 for a branch).
_OWNER_ID = re.compile(r"\d{12}|\d{9}|\d{10}(?:-\d{3})?")
_PROCEDURE_CODE = re.compile(r"\d{1,2}\.\d{6}(?:\.\d{3}\.\d{2}\.[A-Z]\d{2})?")  # 1.001193 (TTHC code)
_COMPONENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class DigitizationCodeError(ValueError):
    """A digitization code cannot be made: the message names the value and the rule it breaks."""


@dataclass(frozen=True)
class ComponentCodeScheme:
    """A validated template for component codes; build it once from the setting, pass it down."""

    template: str = DEFAULT_COMPONENT_TEMPLATE

    def __post_init__(self) -> None:
        try:
            parsed = list(string.Formatter().parse(self.template))
        except ValueError as exc:
            raise DigitizationCodeError(f"component code template {self.template!r}: {exc}") from None
        names = []
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in SCHEME_FIELDS:
                raise DigitizationCodeError(
                    f"component code template {self.template!r}: unknown field {{{name}}}; "
                    f"use {', '.join('{' + f + '}' for f in SCHEME_FIELDS)}"
                )
            if conversion or (spec and not (name == "ordinal" and re.fullmatch(r"0?\d{0,2}d", spec))):
                raise DigitizationCodeError(
                    f"component code template {self.template!r}: only {{ordinal}} takes a format, such as :02d"
                )
            names.append(name)
        if "ordinal" not in names:
            raise DigitizationCodeError(f"component code template {self.template!r}: needs {{ordinal}}")
        if not {"dossier_code", "owner_id"} & set(names):
            raise DigitizationCodeError(
                f"component code template {self.template!r}: needs {{owner_id}} or {{dossier_code}}, "
                "else two dossiers would share codes"
            )

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.template) if name)


DEFAULT_COMPONENT_SCHEME = ComponentCodeScheme()


def digitization_code(
    role: str,
    *,
    dossier_code: str,
    ordinal: int,
    owner_id: str | None = None,
    procedure_code: str | None = None,
    component_code: str | None = None,
    scheme: ComponentCodeScheme = DEFAULT_COMPONENT_SCHEME,
) -> str:
    """The digitization code of a result (`<Mã hồ sơ>-KQ<ordinal>`) or a component (per `scheme`).

    `ordinal` is the result's number in the dossier, or the component's position (1-based). Raises
    DigitizationCodeError naming the value when an input the rule needs is missing or malformed.
    """
    if role not in ROLES_WITH_CODES:
        raise DigitizationCodeError(f"role {role!r} gets no digitization code (only {', '.join(ROLES_WITH_CODES)})")
    if isinstance(ordinal, bool) or not isinstance(ordinal, int) or not 1 <= ordinal <= 999:
        raise DigitizationCodeError(f"ordinal {ordinal!r}: must be a whole number from 1 to 999")
    code = normalize_dossier_code(dossier_code or "")
    if code is None:
        raise DigitizationCodeError(f"dossier code {dossier_code!r} is not <unit>-<YYMMDD>-<NNNN>")
    if role == "result":
        return f"{code}-KQ{ordinal}"
    values: dict[str, object] = {"dossier_code": code, "ordinal": ordinal}
    checks = {"owner_id": (owner_id, _OWNER_ID, "a CCCD (12 digits), CMND (9) or tax code (10 or 10-3)"),
              "procedure_code": (procedure_code, _PROCEDURE_CODE, "a procedure code such as 1.001193"),
              "component_code": (component_code, _COMPONENT_CODE, "1-32 letters, digits, _ or -")}  # fmt: skip
    for name in scheme.fields & checks.keys():
        value, pattern, rule = checks[name]
        value = (value or "").strip()
        if not pattern.fullmatch(value):
            raise DigitizationCodeError(f"{name} {value!r}: needs {rule} for the component code {scheme.template!r}")
        values[name] = value
    return scheme.template.format(**values)
