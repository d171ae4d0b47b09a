"""Alembic migrations of the catalogue, run in-process by `storage.catalog.database.upgrade` (no alembic.ini)."""

from pathlib import Path

SCRIPT_LOCATION = Path(__file__).resolve().parent
