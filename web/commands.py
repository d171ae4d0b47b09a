"""`sohoa serve` and `sohoa user add|list|disable`, registered on the main CLI by sohoa/cli.py."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from sohoa.config import load_settings
from storage.catalog.schema import ROLES

user_app = typer.Typer(
    no_args_is_help=True, help="Tài khoản người dùng / user accounts of the web application."
)


def _catalog():  # noqa: ANN202
    from storage.catalog import open_catalog

    settings = load_settings()
    return open_catalog(settings.database_url, default_target=settings.default_target)


def _fail(message: str) -> None:
    print(f"sohoa: {message}", file=sys.stderr)
    raise typer.Exit(2)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help=" | ".join(ROLES))],
    unit: Annotated[
        list[str] | None, typer.Option("--unit", help="A unit the user sees (repeatable).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user. The password is read from stdin, never from the command line (it would show in `ps`)."""
    from storage.catalog import CatalogError
    from web.passwords import hash_password

    if role not in ROLES:
        _fail(f"--role {role}: phải là một trong / must be one of {', '.join(ROLES)}")
    if not password_stdin:
        _fail("dùng --password-stdin để nhập mật khẩu / use --password-stdin to give the password")
    password = sys.stdin.readline().rstrip("\r\n")
    if role != "admin" and not unit:
        _fail("người dùng cần ít nhất một --unit / a non-admin user needs at least one --unit")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        _fail(str(exc))
    catalog = _catalog()
    try:
        account = catalog.create_user(username, password_hash, role, unit or [], actor="cli")
    except (CatalogError, ValueError) as exc:
        _fail(str(exc))
    finally:
        catalog.close()
    print(f"{account.username}\t{account.role}\t{', '.join(account.units)}")


@user_app.command("list")
def user_list() -> None:
    """Users with role, units and whether they are disabled."""
    catalog = _catalog()
    try:
        for account in catalog.users():
            state = "disabled" if account.disabled else "active"
            print(f"{account.username}\t{account.role}\t{state}\t{', '.join(account.units)}")
    finally:
        catalog.close()


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable a user and end their sessions (never the last enabled admin)."""
    _set_disabled(username, True)


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument()]) -> None:
    """Let a disabled user log in again (their password is unchanged)."""
    _set_disabled(username, False)


def _set_disabled(username: str, disabled: bool) -> None:
    from storage.catalog import CatalogError

    catalog = _catalog()
    try:
        account = catalog.update_user(username, disabled=disabled, actor="cli")
    except CatalogError as exc:  # unknown user, or the last admin
        _fail(str(exc))
    finally:
        catalog.close()
    print(f"{account.username}\t{'disabled' if disabled else 'active'}")


def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    secure_cookies: Annotated[
        str,
        typer.Option(
            "--secure-cookies", help="auto (Secure over HTTPS / X-Forwarded-Proto) | always | never"
        ),
    ] = "auto",
    proxy: Annotated[
        bool, typer.Option("--proxy", help="Trust X-Forwarded-* from a local reverse proxy.")
    ] = False,
) -> None:
    """Serve the web application (search, dossiers, upload, review, dashboard, admin, /api)."""
    import uvicorn

    from web.app import create_app
    from web.auth import AuthConfig

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    secure = {"auto": None, "always": True, "never": False}.get(secure_cookies, None)
    app = create_app(load_settings(), auth=AuthConfig(secure_cookies=secure))
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=proxy,
        forwarded_allow_ips="127.0.0.1" if proxy else None,
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
