"""Review items of kind "blank" (every page declared blank is shown to a person with its evidence) and
"unreadable" (pages of a file that could not be read while its other pages were).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = "kind IN ('unlinked', 'quarantined', 'low_confidence')"
NEW = "kind IN ('unlinked', 'quarantined', 'low_confidence', 'blank', 'unreadable')"


def upgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_review_items_kind"), NEW)


def downgrade() -> None:
    op.execute("DELETE FROM review_items WHERE kind IN ('blank', 'unreadable')")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_review_items_kind"), OLD)
