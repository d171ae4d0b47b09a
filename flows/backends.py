"""The backends one run holds open (catalogue, object store, search index), and retries for flaky storage.

`Backends` is the one holder every caller uses: the command line, the Prefect flow and the web app. It is opened
from settings by `sohoa.compose.open_backends` (the composition edge); nothing here reads the environment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from indexing import SearchIndex
from storage.catalog import Catalog
from storage.errors import StorageUnavailableError
from storage.objects import ObjectStore

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 1.0  # doubles each time: 1, 2, 4, 8 s by default


@dataclass
class Backends:
    catalog: Catalog
    store: ObjectStore
    index: SearchIndex
    home: Path  # the data folder: uploads, caches, the embedded index
    language: str = "vi"  # default language of user-facing text
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    signing: dict[str, str] = field(default_factory=dict)  # Settings.signing, for the web's signing pages

    def close(self) -> None:
        self.index.close()
        self.catalog.close()


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
