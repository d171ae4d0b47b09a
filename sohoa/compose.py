"""The one place where the parts are put together: settings in, an open catalogue, object store and search index out.

The openers choose a backend from a URL; they live here, beside `open_backends`, and not in the contract modules
(`storage/objects.py`, `indexing/base.py`), so a contract never imports its implementations. Only the edges call
this module: the command line, the Prefect deployment entry and whoever builds the web app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flows.backends import Backends, RetryPolicy
from indexing import SearchIndex
from indexing.embedded import EmbeddedSearchIndex
from ocr.pipeline import OcrOptions
from sohoa.config import Settings, prefect_defaults
from storage.catalog import Catalog, open_catalog
from storage.errors import InvalidStorageUrlError
from storage.local import LocalObjectStore
from storage.objects import ObjectStore, redact_url

if TYPE_CHECKING:
    from flows.ingest import IngestSummary


def open_object_store(url: str) -> ObjectStore:
    """Open the store named by a URL: `file:///abs/path` or `s3://ACCESS:SECRET@host:port/bucket?secure=false`.

    Does no I/O; the first operation (or `ping()`) connects.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return LocalObjectStore.from_url(url)
    if scheme == "s3":
        from storage.s3 import S3ObjectStore  # the minio and Elasticsearch clients take a second to import

        return S3ObjectStore.from_url(url)
    raise InvalidStorageUrlError(f"storage URL must start with file:// or s3://, got {redact_url(url)!r}")


def open_search_index(url: str, home: Path) -> SearchIndex:
    """"embedded" -> SQLite FTS5 files under `home`/search; "http(s)://host:port[/alias]" -> Elasticsearch."""
    if url.strip() in ("", "embedded"):
        return EmbeddedSearchIndex(Path(home) / "search")
    if url.startswith(("http://", "https://")):
        from indexing.elastic import ElasticSearchIndex

        # http://host:9200/<alias> names the alias, so several archives (or test runs) can share one cluster.
        parts = urlsplit(url)
        alias = parts.path.strip("/")
        base = parts._replace(path="", query="", fragment="").geturl()
        return ElasticSearchIndex(base, alias=alias) if alias else ElasticSearchIndex(base)
    raise ValueError(f"unsupported search url {url!r}: use 'embedded' or http://host:port")


def open_settings_catalog(settings: Settings) -> Catalog:
    """The catalogue alone, for commands that need nothing else (targets, users, report)."""
    return open_catalog(settings.database_url, default_target=settings.default_target)


def open_backends(settings: Settings) -> Backends:
    """Open the configured catalogue (migrated), object store and search index; the caller closes them."""
    settings.home.mkdir(parents=True, exist_ok=True)
    catalog = open_settings_catalog(settings)
    try:
        store = open_object_store(settings.storage_url)
        index = open_search_index(settings.search_url, settings.home)
    except Exception:
        catalog.close()
        raise
    return Backends(
        catalog=catalog,
        store=store,
        index=index,
        home=settings.home,
        language=settings.language,
        retry=RetryPolicy(attempts=settings.storage_retries, first_delay=settings.storage_backoff),
        signing=dict(settings.signing),
    )


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR options the settings ask for (external program timeouts, recognition engine)."""
    return OcrOptions(tesseract_timeout=settings.tesseract_timeout, render_timeout=settings.render_timeout,
                      tesseract_engine=settings.tesseract_engine)


def ingest_runner(settings: Settings, backends: Backends) -> Callable[..., IngestSummary]:
    """`run_ingest` bound to open backends and the settings' limits: call it with paths, manifest, unit, ...

    Each call first checks the machine's tools: a broken machine is not a bad file, so nothing is stored,
    quarantined or catalogued then (sohoa.preflight)."""
    from flows.ingest import run_ingest  # Prefect takes seconds to import; `sohoa search` needs none of it
    from sohoa.preflight import check_tools
    from sohoa.temporary_api import start_temporary_api

    options = ocr_options(settings)
    bound = partial(run_ingest, backends=backends, options=options, max_pages_per_file=settings.max_pages_per_file)

    def run(paths: list[Path], **arguments: Any) -> IngestSummary:
        check_tools(options.lang)
        with prefect_defaults():
            start_temporary_api()
            return bound(paths, **arguments)

    return run
