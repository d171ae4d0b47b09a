"""Unit tree and succession, procedure catalogue, document roles, types, metadata and digitization codes (issue 10).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('unlinked', 'quarantined', 'low_confidence', 'blank', 'unreadable')"
NEW_KINDS = "kind IN ('unlinked', 'quarantined', 'low_confidence', 'blank', 'unreadable', 'classification')"


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("merged_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_units_parent_id_units"), "units", ["parent_id"], ["id"])
        batch_op.create_foreign_key(op.f("fk_units_successor_id_units"), "units", ["successor_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_units_successor_id"), ["successor_id"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_units_tier"), "tier IS NULL OR tier IN ('province', 'commune', 'district')"
        )

    op.create_table(
        "procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=256), nullable=True),
        sa.Column("written_result", sa.Boolean(), nullable=False),
        sa.Column("result_types", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedures")),
        sa.UniqueConstraint("procedure_code", name=op.f("uq_procedures_procedure_code")),
    )

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("doc_type", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("type_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("role_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("digitization_code", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reused_from_document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reuse_origin", sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_documents_reused_from_document_id_documents"),
            "documents",
            ["reused_from_document_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_documents_role"), ["role"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_digitization_code"), ["digitization_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_content_hash"), ["content_hash"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_documents_role"), "role IS NULL OR role IN ('receipt', 'component', 'result')"
        )
        batch_op.create_check_constraint(
            op.f("ck_documents_role_source"),
            "role_source IS NULL OR role_source IN ('auto', 'registry', 'staff')",
        )
        batch_op.create_check_constraint(
            op.f("ck_documents_reuse_origin"),
            "reuse_origin IS NULL OR reuse_origin IN ('catalogue', 'portal')",
        )

    op.create_table(
        "document_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=1024), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("page_number", sa.Integer(), nullable=True),
        sa.Column("region", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("source IN ('auto', 'registry', 'staff')", name=op.f("ck_document_fields_source")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_fields_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_fields")),
        sa.UniqueConstraint("document_id", "name", name="uq_document_fields_document_name"),
    )
    with op.batch_alter_table("document_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_fields_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_document_fields_name_value", ["name", "value"], unique=False)

    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_review_items_kind"), NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM review_items WHERE kind = 'classification'")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_review_items_kind"), OLD_KINDS)

    with op.batch_alter_table("document_fields", schema=None) as batch_op:
        batch_op.drop_index("ix_document_fields_name_value")
        batch_op.drop_index(batch_op.f("ix_document_fields_document_id"))
    op.drop_table("document_fields")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_reuse_origin"), type_="check")
        batch_op.drop_constraint(op.f("ck_documents_role_source"), type_="check")
        batch_op.drop_constraint(op.f("ck_documents_role"), type_="check")
        batch_op.drop_index(batch_op.f("ix_documents_content_hash"))
        batch_op.drop_index(batch_op.f("ix_documents_digitization_code"))
        batch_op.drop_index(batch_op.f("ix_documents_role"))
        batch_op.drop_constraint(op.f("fk_documents_reused_from_document_id_documents"), type_="foreignkey")
        for column in (
            "reuse_origin",
            "reused_from_document_id",
            "content_hash",
            "digitization_code",
            "role_source",
            "type_confidence",
            "doc_type",
            "role",
        ):
            batch_op.drop_column(column)

    op.drop_table("procedures")

    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_units_tier"), type_="check")
        batch_op.drop_index(batch_op.f("ix_units_successor_id"))
        batch_op.drop_constraint(op.f("fk_units_successor_id_units"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_units_parent_id_units"), type_="foreignkey")
        for column in ("merged_on", "successor_id", "parent_id", "tier"):
            batch_op.drop_column(column)
