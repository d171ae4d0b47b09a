"""Property tests of the JSON API against its own OpenAPI description (schemathesis), as a logged-in admin
and as an officer of one unit; bounded so the suite stays quick."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.web.conftest import PASSWORD

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
OFFICER_UNIT_CODES = {"000.00.14.H12-220920-0003"}  # unit B's scanned dossier; the officer is in unit A


@pytest.fixture(scope="module")
def api_schema(app):  # noqa: ANN001, ANN201
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Logging in or out at random would end the session the other calls run on, or trip the rate limit.
    return schema.exclude(path="/api/session")


def session_headers(app, username: str) -> dict[str, str]:  # noqa: ANN001
    with TestClient(app) as client:
        response = client.post("/api/session", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200
        return {
            "Cookie": f"sohoa_session={client.cookies['sohoa_session']}",
            "X-CSRF-Token": response.json()["csrf_token"],
        }


@pytest.fixture(scope="module")
def admin_headers(app) -> dict[str, str]:  # noqa: ANN001
    return session_headers(app, "admin")


@pytest.fixture(scope="module")
def officer_headers(app) -> dict[str, str]:  # noqa: ANN001
    return session_headers(app, "can_bo_a")


def operations(schema) -> list:  # noqa: ANN001
    return [result.ok() for result in schema.get_all_operations()]


def check_every_operation(schema, headers: dict[str, str], extra=None) -> int:  # noqa: ANN001
    """Run each operation's generated cases; return how many operations were exercised."""
    checked = 0
    for operation in operations(schema):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:  # noqa: ANN001
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            if extra:
                extra(case, response)

        run()
        checked += 1
    return checked


def test_api_as_admin_never_errors_and_matches_its_schema(api_schema, admin_headers) -> None:  # noqa: ANN001
    assert check_every_operation(api_schema, admin_headers) >= 12


def test_api_as_officer_never_errors_nor_leaks_another_unit(api_schema, officer_headers) -> None:  # noqa: ANN001
    def no_leak(case, response) -> None:  # noqa: ANN001
        assert "Trần Thị Bích Ngọc" not in response.text
        assert case.path == "/api/audit" or not any(code in response.text for code in OFFICER_UNIT_CODES)

    check_every_operation(api_schema, officer_headers, no_leak)
