"""Shared test fixtures. Real services are found through environment variables set by deploy/services.sh.

A test that needs a service calls `service_url("SOHOA_TEST_MINIO_URL")`. Without the variable the test is
skipped locally, but fails when SOHOA_REQUIRE_SERVICES=1 (as in CI), so a missing service can never turn
into a silently green run.
"""

from __future__ import annotations

import os

import pytest


def service_url(env_var: str) -> str:
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    message = f"{env_var} is not set: start the service with deploy/services.sh up"
    if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)
