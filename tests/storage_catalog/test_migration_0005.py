"""Revision 0005 (issue 10): the migrated schema matches the ORM models, and it goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.catalog import open_catalog
from storage.catalog.database import downgrade, upgrade
from storage.catalog.schema import Base


def _differences(engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diffs = compare_metadata(context, Base.metadata)
    # Tables of revisions other than ours (0006, 0007) may not have models yet, or the reverse; only ours count.
    ours = {"units", "procedures", "documents", "document_fields", "review_items", "dossiers", "registry_roles"}

    def table_of(diff: object) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return table.name
            if isinstance(part, str) and part in ours:
                return part
            if name in ours:
                return name
        return None

    return [diff for diff in diffs if table_of(diff) in ours]


def test_revision_0005_matches_the_models(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    assert _differences(catalog.engine) == []
    catalog.close()


def test_revision_0005_downgrades_and_upgrades(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    catalog.open_review_item("classification", "role unsure", path="scan.pdf")
    downgrade(catalog.engine, "0004")
    names = inspect(catalog.engine).get_table_names()
    assert "procedures" not in names and "document_fields" not in names
    assert "role" not in {column["name"] for column in inspect(catalog.engine).get_columns("documents")}
    upgrade(catalog.engine)
    assert "successor_id" in {column["name"] for column in inspect(catalog.engine).get_columns("units")}
    assert catalog.open_review_item("classification", "again", path="scan.pdf").kind == "classification"
    catalog.close()
