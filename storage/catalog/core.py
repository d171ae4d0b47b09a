"""The catalogue's connection and the helpers every repository part shares: transactions, get-or-create,
units, and audit events that are written once per state change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ocr.text import nfc
from storage.catalog.records import Event, event_record
from storage.catalog.schema import Base, EventRow, UnitRow

Row = TypeVar("Row", bound=Base)

DEFAULT_TARGET = 0.869


class CatalogCore:
    def __init__(self, engine: Engine, default_target: float = DEFAULT_TARGET) -> None:
        self.engine = engine
        self.default_target = default_target
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    # -- units ---------------------------------------------------------------------------------------

    def ensure_unit(self, code: str, name: str | None = None) -> int:
        with self.transaction() as session:
            return unit_id(session, code, name)

    def units(self) -> list[tuple[str, str]]:
        with self.transaction() as session:
            return [(row.code, row.name) for row in session.scalars(select(UnitRow).order_by(UnitRow.code))]

    # -- audit events --------------------------------------------------------------------------------

    def record_event(
        self,
        actor: str,
        action: str,
        object_type: str,
        object_id: str | int,
        detail: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> Event:
        """Append to the audit trail. With `key`, repeating the call returns the first event instead."""
        with self.transaction() as session:
            return event_record(add_event(session, actor, action, object_type, object_id, detail, key))

    def events(self, object_type: str | None = None, object_id: str | int | None = None) -> list[Event]:
        query = select(EventRow).order_by(EventRow.id)
        if object_type is not None:
            query = query.where(EventRow.object_type == object_type)
        if object_id is not None:
            query = query.where(EventRow.object_id == str(object_id))
        with self.transaction() as session:
            return [event_record(row) for row in session.scalars(query)]


def get_or_insert(
    session: Session, model: type[Row], lookup: dict[str, Any], **values: Any
) -> tuple[Row, bool]:
    """Return (row, created). Safe against a concurrent insert of the same unique key."""
    query = select(model).filter_by(**lookup)
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            row = model(**lookup, **values)
            session.add(row)
    except IntegrityError:
        # Another worker inserted the same key between our select and insert: use theirs.
        return session.scalars(query).one(), False
    return row, True


def unit_id(session: Session, code: str, name: str | None = None) -> int:
    code = nfc(code).strip()
    if not code:
        raise ValueError("a unit needs a non-empty code")
    row, created = get_or_insert(session, UnitRow, {"code": code}, name=nfc(name).strip() if name else code)
    if not created and name and row.name == row.code and name != code:
        row.name = nfc(name).strip()
    return row.id


def unit_code(session: Session, unit_id_: int | None) -> str | None:
    if unit_id_ is None:
        return None
    return session.get_one(UnitRow, unit_id_).code


def add_event(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    detail: dict[str, Any] | None = None,
    key: str | None = None,
) -> EventRow:
    values = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "detail": detail or {},
    }
    if key is None:
        row = EventRow(**values)
        session.add(row)
        session.flush()
        return row
    row, _created = get_or_insert(session, EventRow, {"key": key}, **values)
    return row
