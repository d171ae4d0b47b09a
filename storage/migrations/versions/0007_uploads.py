"""Web uploads kept in the catalogue so they resume after a restart (issue 9).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATUSES = "status IN ('queued', 'running', 'finished', 'failed', 'cancelled')"


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pages_planned", sa.Integer(), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("files_done", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(STATUSES, name=op.f("ck_uploads_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    op.create_index("ix_uploads_status_created_at", "uploads", ["status", "created_at"])
    op.create_index(op.f("ix_uploads_username"), "uploads", ["username"])


def downgrade() -> None:
    op.drop_index(op.f("ix_uploads_username"), table_name="uploads")
    op.drop_index("ix_uploads_status_created_at", table_name="uploads")
    op.drop_table("uploads")
