"""The backends one web process holds open. One holder for every caller: `Services` is `flows.backends.Backends`
(catalogue, object store, search index, data folder, language), opened by `sohoa.compose.open_backends`."""

from __future__ import annotations

from flows.backends import Backends as Services

__all__ = ["Services"]
