"""Accounts of the web application: users with a role and units, server-side sessions, login attempts,
and the paged audit-trail query the admin page reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from ocr.text import nfc
from storage.catalog.core import CatalogCore, add_event
from storage.catalog.errors import CatalogError, NotFoundError
from storage.catalog.records import Event, event_record
from storage.catalog.schema import ROLES, EventRow, LoginAttemptRow, SessionRow, UserRow, utcnow


def normalize_username(username: str) -> str:
    """The one spelling of a login name: NFC, case-folded, trimmed, at most 64 characters.

    "Lân" typed on one keyboard is NFC, on another NFD; "LAN" and "lan" are one person. Without one spelling
    the per-user login limit could be bypassed by cycling spellings, and two accounts could look identical.
    """
    return nfc(nfc(username).strip().casefold())[:64]


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    password_hash: str
    role: str
    units: tuple[str, ...]
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class SessionInfo:
    account: Account
    csrf_token: str
    expires_at: datetime


def _account(row: UserRow) -> Account:
    return Account(
        row.id,
        row.username,
        row.password_hash,
        row.role,
        tuple(row.units or ()),
        row.disabled,
        row.created_at,
        row.last_login_at,
    )


def _check(role: str | None, units: list[str] | None) -> list[str] | None:
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if units is None:
        return None
    cleaned = [nfc(u).strip() for u in units if u and u.strip()]
    return list(dict.fromkeys(cleaned))


class AccountsMixin(CatalogCore):
    # -- users ---------------------------------------------------------------------------------------

    def create_user(
        self, username: str, password_hash: str, role: str, units: list[str], *, actor: str = "admin"
    ) -> Account:
        """Create a user; an existing username is refused (CatalogError), never overwritten."""
        name = normalize_username(username)
        if not name:
            raise ValueError("a user needs a non-empty username")
        cleaned = _check(role, units) or []
        with self.transaction() as session:
            if session.scalars(select(UserRow).where(UserRow.username == name)).one_or_none():
                raise CatalogError(f"người dùng {name} đã tồn tại / user {name} already exists")
            row = UserRow(
                username=name, password_hash=password_hash, role=role, units=cleaned, disabled=False
            )
            session.add(row)
            session.flush()
            add_event(session, actor, "user.created", "user", name, {"role": role, "units": cleaned})
            return _account(row)

    def update_user(
        self,
        username: str,
        *,
        role: str | None = None,
        units: list[str] | None = None,
        password_hash: str | None = None,
        disabled: bool | None = None,
        actor: str = "admin",
    ) -> Account:
        """Change what is given; disabling a user or changing the password ends their sessions."""
        cleaned = _check(role, units)
        username = normalize_username(username)
        with self.transaction() as session:
            row = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
            if row is None:
                raise NotFoundError("user", username)
            changes: dict[str, object] = {}
            was_active_admin = row.role == "admin" and not row.disabled
            if role is not None and role != row.role:
                row.role = changes["role"] = role  # type: ignore[assignment]
            if cleaned is not None and cleaned != list(row.units or []):
                row.units = cleaned
                changes["units"] = cleaned
            if disabled is not None and disabled != row.disabled:
                row.disabled = changes["disabled"] = disabled  # type: ignore[assignment]
            if was_active_admin and (row.role != "admin" or row.disabled):
                session.flush()
                others = session.scalar(
                    select(func.count(UserRow.id)).where(UserRow.role == "admin", UserRow.disabled.is_(False))
                )
                if not others:
                    # Nobody could then manage users in the web app; the command line would be the only way back.
                    raise CatalogError(
                        f"{username}: không thể vô hiệu hóa hoặc hạ quyền quản trị viên cuối cùng / "
                        "cannot disable or demote the last admin"
                    )
            if password_hash is not None:
                row.password_hash = password_hash
                changes["password"] = "changed"
            if changes.get("disabled") or "password" in changes:
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            if changes:
                add_event(session, actor, "user.updated", "user", username, changes)
            return _account(row)

    def get_user(self, username: str) -> Account | None:
        with self.transaction() as session:
            row = session.scalars(
                select(UserRow).where(UserRow.username == normalize_username(username))
            ).one_or_none()
            return _account(row) if row else None

    def users(self) -> list[Account]:
        with self.transaction() as session:
            return [_account(row) for row in session.scalars(select(UserRow).order_by(UserRow.username))]

    # -- sessions ------------------------------------------------------------------------------------

    def create_session(
        self, user_id: int, token_hash: str, csrf_token: str, expires_at: datetime, ip: str | None = None
    ) -> None:
        with self.transaction() as session:
            session.add(
                SessionRow(
                    token_hash=token_hash,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    expires_at=expires_at,
                    ip=ip,
                )
            )
            user = session.get_one(UserRow, user_id)
            user.last_login_at = utcnow()

    def session_info(self, token_hash: str) -> SessionInfo | None:
        """The live session with this token hash, or None if unknown, expired or its user is disabled."""
        query = (
            select(SessionRow, UserRow)
            .join(UserRow, SessionRow.user_id == UserRow.id)
            .where(SessionRow.token_hash == token_hash)
        )
        with self.transaction() as session:
            found = session.execute(query).one_or_none()
            if found is None:
                return None
            row, user = found
            if row.expires_at <= utcnow() or user.disabled:
                return None
            return SessionInfo(_account(user), row.csrf_token, row.expires_at)

    def delete_session(self, token_hash: str) -> None:
        with self.transaction() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def delete_expired_sessions(self) -> int:
        with self.transaction() as session:
            return session.execute(delete(SessionRow).where(SessionRow.expires_at <= utcnow())).rowcount or 0

    # -- login attempts ------------------------------------------------------------------------------

    def record_login_attempt(self, username: str, ip: str, success: bool) -> None:
        with self.transaction() as session:
            session.add(LoginAttemptRow(username=normalize_username(username), ip=ip[:64], success=success))

    def failed_logins_since(
        self, since: datetime, *, username: str | None = None, ip: str | None = None
    ) -> int:
        """Failed attempts after `since` for this username and/or address."""
        query = select(func.count(LoginAttemptRow.id)).where(
            LoginAttemptRow.at > since, LoginAttemptRow.success.is_(False)
        )
        if username is not None:
            query = query.where(LoginAttemptRow.username == normalize_username(username))
        if ip is not None:
            query = query.where(LoginAttemptRow.ip == ip[:64])
        with self.transaction() as session:
            return int(session.scalar(query) or 0)

    # -- audit trail, paged --------------------------------------------------------------------------

    def audit_events(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        actor: str | None = None,
        action: str | None = None,
        object_id: str | None = None,
    ) -> tuple[list[Event], int]:
        """Newest first, with the total count of events matching the filters."""
        query = select(EventRow)
        if actor:
            query = query.where(EventRow.actor == actor)
        if action:
            query = query.where(EventRow.action.startswith(action))
        if object_id:
            query = query.where(EventRow.object_id == object_id)
        count = select(func.count()).select_from(query.subquery())
        with self.transaction() as session:
            total = int(session.scalar(count) or 0)
            rows = session.scalars(query.order_by(EventRow.id.desc()).limit(limit).offset(offset))
            return [event_record(row) for row in rows], total
