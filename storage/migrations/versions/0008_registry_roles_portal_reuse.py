"""Roles and portal reuse stated by the registry, reuse set by staff (issue 10).

dossiers.portal_reuse (the one-stop export says the dossier reused data of the national portal),
documents.reuse_source (who set a document's reuse: auto < registry < staff) and the table registry_roles
(document roles stated by the registry, remembered for documents ingested later).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite >= 3.35): no table rebuild, so rows referring to these tables are no
    # obstacle. reuse_source is checked by storage/catalog/roles.py (no CHECK: SQLite cannot drop a column one
    # names without rebuilding the table).
    op.add_column("dossiers", sa.Column("portal_reuse", sa.Boolean(), nullable=True))
    op.add_column("documents", sa.Column("reuse_source", sa.String(length=16), nullable=True))
    # Reuse recorded before this revision could only have been set by the automatic check.
    op.execute("UPDATE documents SET reuse_source = 'auto' WHERE reuse_origin IS NOT NULL")

    op.create_table(
        "registry_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_code", sa.String(length=128), nullable=False),
        sa.Column("file_key", sa.String(length=512), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('receipt', 'component', 'result')", name=op.f("ck_registry_roles_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_roles")),
        sa.UniqueConstraint("dossier_code", "file_key", name="uq_registry_roles_dossier_file"),
    )


def downgrade() -> None:
    op.drop_table("registry_roles")
    op.drop_column("documents", "reuse_source")
    op.drop_column("dossiers", "portal_reuse")
