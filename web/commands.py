"""`sohoa serve` and `sohoa user add|list|disable`, registered on the main CLI by sohoa/cli.py."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
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

    secure = {"auto": None, "always": True, "never": False}.get(secure_cookies, None)
    with stopping_children_on_exit():
        app = create_app(load_settings(), auth=AuthConfig(secure_cookies=secure))
        uvicorn.run(
            app,
            host=host,
            port=port,
            proxy_headers=proxy,
            forwarded_allow_ips="127.0.0.1" if proxy else None,
            log_level="info",
        )


class _Stop(Exception):
    """SIGTERM or SIGINT reached `sohoa serve`; args[0] is the signal number."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


@contextlib.contextmanager
def stopping_children_on_exit(grace: float = 10.0) -> Iterator[None]:
    """Stop every child process (Prefect's ephemeral API server, page workers) when `serve` ends, however.

    uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal into the handler it found. At
    the default handler that killed the process before `atexit`, the only place Prefect stops its ephemeral
    API server, so the server was left running. Here that handler stops the children, then exits 128 + signal.
    """
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    code = 0
    try:
        yield
    except _Stop as stop:
        code = 128 + int(stop.args[0])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop_descendants(grace)
    if code:
        # uvicorn has shut the app down; a normal exit would now wait for ingest threads (joined at
        # interpreter shutdown) that may wait on the Prefect server just stopped. A cut upload resumes.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _process_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """Every living descendant of `pid` (children, theirs...), with its start time to tell a reused pid."""
    table = _process_table()
    found: dict[int, str] = {}
    parents = {pid}
    while parents:
        children = {p for p, (ppid, state, _) in table.items()
                    if ppid in parents and state != "Z" and p not in found}
        found.update({p: table[p][2] for p in children})
        parents = children
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    table = _process_table()
    return [p for p, started in processes.items()
            if p in table and table[p][1] != "Z" and table[p][2] == started]


def stop_descendants(grace: float) -> None:
    """SIGTERM every descendant of this process, then SIGKILL what is left after `grace` seconds."""
    processes = descendants(os.getpid())
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in still_running(processes):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while still_running(processes) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(-1, os.WNOHANG)  # reap our own children so they do not linger as zombies
            time.sleep(0.1)
        processes.update(descendants(os.getpid()))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
