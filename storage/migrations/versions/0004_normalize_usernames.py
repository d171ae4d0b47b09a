"""Usernames in their one spelling (NFC, case-folded, trimmed), as `normalize_username` now looks them up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def normalize_username(username: str) -> str:
    # Frozen copy of storage.catalog.accounts.normalize_username as of this revision.
    nfc = unicodedata.normalize("NFC", username).strip().casefold()
    return unicodedata.normalize("NFC", nfc)[:64]


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, username FROM users ORDER BY id")).all()
    spelled: dict[str, str] = {}
    for _id, username in rows:
        key = normalize_username(username)
        if key in spelled:
            # Two accounts that differ only by case or Unicode form: an admin must decide which one stays.
            raise RuntimeError(
                f"users {spelled[key]!r} and {username!r} differ only by case or Unicode form; "
                "rename or delete one before upgrading"
            )
        spelled[key] = username
    for user_id, username in rows:
        if normalize_username(username) != username:
            connection.execute(
                sa.text("UPDATE users SET username = :name WHERE id = :id"),
                {"name": normalize_username(username), "id": user_id},
            )
    connection.execute(sa.text("DELETE FROM login_attempts"))  # counted under the old spellings; short-lived


def downgrade() -> None:
    pass  # the normalised spelling is a valid old spelling too
