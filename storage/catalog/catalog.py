"""The catalogue: one object giving the repository API, and `open_catalog` which connects and migrates."""

from __future__ import annotations

from storage.catalog.accounts import AccountsMixin
from storage.catalog.core import DEFAULT_TARGET
from storage.catalog.database import create_catalog_engine, upgrade
from storage.catalog.documents import DocumentsMixin
from storage.catalog.files import FilesMixin
from storage.catalog.pages import PagesMixin
from storage.catalog.procedures import ProceduresMixin
from storage.catalog.registry_roles import RegistryRolesMixin
from storage.catalog.review import ReviewMixin
from storage.catalog.roles import RolesMixin
from storage.catalog.signatures import SignaturesMixin
from storage.catalog.targets import TargetsMixin
from storage.catalog.units import UnitsMixin


class Catalog(
    FilesMixin, DocumentsMixin, PagesMixin, ReviewMixin, TargetsMixin, AccountsMixin, UnitsMixin, ProceduresMixin,
    RegistryRolesMixin, RolesMixin, SignaturesMixin,
):
    """Every repository call is its own transaction and safe to repeat after a crash."""


def open_catalog(url: str, *, default_target: float = DEFAULT_TARGET) -> Catalog:
    """Connect to the catalogue at `url` (`sqlite:///path` or `postgresql+psycopg://...`) and upgrade its
    schema to the newest revision. Safe to call repeatedly and from several processes at once."""
    engine = create_catalog_engine(url)
    try:
        upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return Catalog(engine, default_target=default_target)
