"""The catalogue, source of truth of the archive: dossiers, files, documents, pages, review queue, targets."""

from storage.catalog.catalog import Catalog, open_catalog
from storage.catalog.errors import CatalogError, MissingObjectsError, NotFoundError, RegistryFormatError
from storage.catalog.records import (
    Batch,
    BatchCounts,
    Document,
    Dossier,
    Event,
    Page,
    PageForIndex,
    PageInput,
    ReviewItem,
    SourceFile,
)

__all__ = [
    "Batch",
    "BatchCounts",
    "Catalog",
    "CatalogError",
    "Document",
    "Dossier",
    "Event",
    "MissingObjectsError",
    "NotFoundError",
    "Page",
    "PageForIndex",
    "PageInput",
    "RegistryFormatError",
    "ReviewItem",
    "SourceFile",
    "open_catalog",
]
