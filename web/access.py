"""Who may do what: roles, the units a user sees, and the 404 for anything outside them."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from storage.catalog import Catalog, Document, Dossier
from storage.catalog.accounts import Account

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "officer": frozenset({"search", "view", "download"}),
    "archive_staff": frozenset({"search", "view", "download", "upload", "review"}),
    "manager": frozenset({"search", "view", "download", "dashboard"}),
    "admin": frozenset({"search", "view", "download", "upload", "review", "dashboard", "admin"}),
}


@dataclass(frozen=True)
class User:
    """The logged-in account and its session's CSRF token."""

    account: Account
    csrf_token: str
    # Units merged into the account's units (issue 10): their dossiers belong to the successor's officers.
    absorbed: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.account.username

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def is_admin(self) -> bool:
        return self.account.role == "admin"

    @property
    def allowed_units(self) -> list[str] | None:
        """None means every unit (admin only); everyone else sees exactly their units and the units merged
        into them, maybe none."""
        return None if self.is_admin else list(dict.fromkeys([*self.account.units, *self.absorbed]))

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.account.role, frozenset())

    def sees_unit(self, unit: str | None) -> bool:
        return self.is_admin or (unit is not None and (unit in self.account.units or unit in self.absorbed))


def user_for(catalog: Catalog, account: Account, csrf_token: str) -> User:
    """The User of a session, its scope following unit succession: an officer of a commune formed by a merger
    sees the dossiers of every commune it absorbed (which keep their old unit code)."""
    if account.role == "admin" or not account.units:
        return User(account, csrf_token)
    scope = catalog.units_with_absorbed(account.units)
    return User(account, csrf_token, tuple(unit for unit in scope if unit not in account.units))


class NotVisible(HTTPException):
    """Another unit's dossier looks exactly like a missing one: 404, so codes cannot be probed.

    `reason` ('missing' or 'other_unit') goes only into the audit trail, never into the answer.
    """

    def __init__(self, reason: str = "missing") -> None:
        super().__init__(status_code=404, detail="not found")
        self.reason = reason


def audit_denied(request: Request, user: User | None, exc: HTTPException) -> None:
    """One audit event for a refused request (403, or a 404 for an id the user may not see) of a logged-in
    user, so probing another unit's dossier codes or ids shows in the trail. Anonymous requests never got
    this far (they are sent to the login page)."""
    if user is None:
        return
    reason = exc.reason if isinstance(exc, NotVisible) else str(exc.detail)
    request.app.state.services.catalog.record_event(
        user.name,
        "access.denied",
        "request",
        request.url.path[:256],
        {"method": request.method, "status": exc.status_code, "reason": reason},
    )


def uploader_units(catalog: Catalog, username: str) -> list[str] | None:
    """The units an upload of `username` may write into, as the account is now (None: every unit, admins).

    Read when the batch runs, not when it was queued: a user disabled or moved meanwhile gets what they have
    now; an account that no longer exists gets no unit at all.
    """
    account = catalog.get_user(username)
    if account is None or account.disabled:
        return []
    return user_for(catalog, account, csrf_token="").allowed_units


def require(user: User, permission: str) -> None:
    if not user.can(permission):
        raise HTTPException(status_code=403, detail="forbidden")


def visible_dossier(catalog: Catalog, user: User, dossier_code: str) -> Dossier:
    dossier = catalog.get_dossier(dossier_code)
    if dossier is None:
        raise NotVisible()
    if not user.sees_unit(dossier.unit):
        raise NotVisible("other_unit")
    return dossier


def document_unit(catalog: Catalog, document: Document) -> str | None:
    """A document's unit is its dossier's or, while unlinked, the unit of the batch it came in with."""
    if document.dossier_code:
        dossier = catalog.get_dossier(document.dossier_code)
        return dossier.unit if dossier else None
    source = catalog.get_source_file(document.source_file_id)
    if source.batch_id is None:
        return None
    return catalog.get_batch(source.batch_id).unit


def visible_document(catalog: Catalog, user: User, document_id: int) -> Document:
    from storage.catalog import NotFoundError

    if not 0 < document_id < 2**63:  # beyond the database's integers: cannot exist
        raise NotVisible()
    try:
        document = catalog.get_document(document_id)
    except NotFoundError:
        raise NotVisible() from None
    if user.is_admin:
        return document
    # Unlinked documents are shown only to those who can fix them (review), in the batch's unit.
    if document.dossier_code is None and not user.can("review"):
        raise NotVisible("other_unit")
    if not user.sees_unit(document_unit(catalog, document)):
        raise NotVisible("other_unit")
    return document
