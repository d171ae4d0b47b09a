"""Open the configured catalogue, object store and search index once per run, and retry flaky storage."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from indexing import SearchIndex, open_search_index
from sohoa.config import Settings
from storage.catalog import Catalog, open_catalog
from storage.errors import StorageUnavailableError
from storage.objects import ObjectStore, open_object_store

T = TypeVar("T")


@dataclass
class Backends:
    settings: Settings
    catalog: Catalog
    store: ObjectStore
    index: SearchIndex

    def close(self) -> None:
        self.index.close()
        self.catalog.close()


def open_backends(settings: Settings) -> Backends:
    settings.home.mkdir(parents=True, exist_ok=True)
    catalog = open_catalog(settings.database_url, default_target=settings.default_target)
    store = open_object_store(settings.storage_url)
    index = open_search_index(settings.search_url, settings.home)
    return Backends(settings=settings, catalog=catalog, store=store, index=index)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 1.0  # doubles each time: 1, 2, 4, 8 s by default

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            attempts=int(os.environ.get("SOHOA_STORAGE_RETRIES", cls.attempts)),
            first_delay=float(os.environ.get("SOHOA_STORAGE_BACKOFF", cls.first_delay)),
        )


def with_retries(action: Callable[[], T], policy: RetryPolicy, on_retry: Callable[[int, Exception], None] | None = None) -> T:
    """Run `action`, retrying with exponential backoff while the store is unavailable."""
    delay = policy.first_delay
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except StorageUnavailableError as exc:
            if attempt == policy.attempts:
                raise
            if on_retry:
                on_retry(attempt, exc)
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
