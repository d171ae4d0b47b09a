"""The backends one web process holds open: settings, catalogue, search index and object store."""

from __future__ import annotations

from dataclasses import dataclass

from indexing import SearchIndex, open_search_index
from sohoa.config import Settings
from storage.catalog import Catalog, open_catalog
from storage.objects import ObjectStore, open_object_store


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    index: SearchIndex
    store: ObjectStore

    @classmethod
    def open(cls, settings: Settings) -> Services:
        catalog = open_catalog(settings.database_url, default_target=settings.default_target)
        index = open_search_index(settings.search_url, settings.home)
        index.ensure()
        return cls(settings, catalog, index, open_object_store(settings.storage_url))

    def close(self) -> None:
        self.index.close()
        self.catalog.close()
