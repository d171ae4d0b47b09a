"""Schema migrations: up from empty, down and up again, repeated and concurrent opens, SQLite settings."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import inspect, text

from storage.catalog import open_catalog
from storage.catalog.database import (
    create_catalog_engine,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)

TABLES = {
    "units",
    "dossiers",
    "batches",
    "source_files",
    "documents",
    "pages",
    "review_items",
    "events",
    "targets",
}


def test_open_upgrades_an_empty_database_to_head(catalog_url: str) -> None:
    engine = create_catalog_engine(catalog_url)
    assert current_revision(engine) is None
    assert TABLES.isdisjoint(inspect(engine).get_table_names())
    engine.dispose()

    catalog = open_catalog(catalog_url)
    assert current_revision(catalog.engine) == head_revision()
    assert TABLES <= set(inspect(catalog.engine).get_table_names())
    catalog.close()


def test_downgrade_to_empty_and_upgrade_again(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    downgrade(catalog.engine, "base")
    assert current_revision(catalog.engine) is None
    assert TABLES.isdisjoint(inspect(catalog.engine).get_table_names())
    upgrade(catalog.engine)
    assert current_revision(catalog.engine) == head_revision()
    catalog.close()


def test_reopening_keeps_the_data(catalog_url: str) -> None:
    with open_catalog(catalog_url) as first:
        first.ensure_unit("H21.65", "UBND xã Tân Phú")
    with open_catalog(catalog_url) as second:
        assert second.units() == [("H21.65", "UBND xã Tân Phú")]


def _open_and_record(url: str, worker: int) -> int:
    catalog = open_catalog(url)
    try:
        source = catalog.record_source_file(
            "c" * 64, object_key="originals/c", original_name="same.pdf", size=1, format="pdf"
        )
        catalog.ensure_unit(f"U{worker}")
        return source.id
    finally:
        catalog.close()


def test_concurrent_opens_migrate_once_and_share_rows(catalog_url: str) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(_open_and_record, [catalog_url] * 4, range(4)))
    assert len(set(ids)) == 1
    with open_catalog(catalog_url) as catalog:
        assert [code for code, _name in catalog.units()] == ["U0", "U1", "U2", "U3"]


def test_sqlite_uses_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'c.db'}")
    with catalog.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    catalog.close()


def test_blank_page_review_items_need_revision_0003(catalog_url: str) -> None:
    catalog = open_catalog(catalog_url)
    catalog.open_review_item("blank", "blank page? 3 glyph-sized marks", path="scan.pdf")
    downgrade(catalog.engine, "0002")
    with catalog.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_items WHERE kind = 'blank'")).scalar() == 0
    upgrade(catalog.engine)
    assert catalog.open_review_item("blank", "again", path="scan.pdf").kind == "blank"
    catalog.close()


def test_revision_0004_gives_existing_usernames_their_one_spelling(catalog_url: str) -> None:
    import unicodedata

    catalog = open_catalog(catalog_url)
    downgrade(catalog.engine, "0003")
    with catalog.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, password_hash, role, units, disabled, created_at) "
                "VALUES (:name, 'x', 'admin', '[]', false, CURRENT_TIMESTAMP)"
            ),
            {"name": unicodedata.normalize("NFD", "Trần_Lân")},
        )
    upgrade(catalog.engine)
    assert catalog.get_user("TRẦN_LÂN").username == "trần_lân"
    catalog.close()
