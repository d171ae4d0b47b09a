"""Revision 0008 (issue 10): registry roles, the dossier's portal-reuse flag and who set a document's reuse;
the migrated schema matches the ORM models, and it goes down to 0007 and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.catalog import open_catalog
from storage.catalog.database import downgrade, upgrade
from storage.catalog.registry_roles import StatedRole
from tests.storage_catalog.helpers import stored_document
from tests.storage_catalog.test_migration_0005 import _differences


def _columns(engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_revision_0008_matches_the_models(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    assert {"registry_roles"} <= set(inspect(catalog.engine).get_table_names())
    assert "portal_reuse" in _columns(catalog.engine, "dossiers")
    assert _differences(catalog.engine) == []
    catalog.close()


def test_revision_0008_downgrades_and_upgrades(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    catalog.remember_stated_roles([StatedRole(2, "D1", "kq.pdf", "result", None)])
    document = stored_document(catalog, "c.pdf")
    catalog.link_document(document.id, "D1", "qr")
    catalog.mark_reused(document.id, "portal", actor="lan", source="staff")
    downgrade(catalog.engine, "0007")
    assert "registry_roles" not in inspect(catalog.engine).get_table_names()
    assert "portal_reuse" not in _columns(catalog.engine, "dossiers")
    assert "reuse_source" not in _columns(catalog.engine, "documents")
    upgrade(catalog.engine)
    assert "registry_roles" in inspect(catalog.engine).get_table_names()
    # Reuse recorded before 0008 counts as found automatically; staff can set it again.
    assert catalog.document_role(document.id).reuse_origin == "portal"
    catalog.mark_reused(document.id, None, actor="lan", source="staff")
    assert catalog.mark_reused(document.id, "portal").reuse_origin is None  # the automatic check yields
    catalog.close()
