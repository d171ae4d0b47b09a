"""`sohoa sign` and `sohoa verify` (issue 11), registered on the main command line by sohoa/cli.py.

The PIN or passphrase is read from standard input only (never an argument, so it is not in the shell history
or the process list) and is never printed or logged.
"""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from ocr.errors import ExitCode, SohoaError
from sohoa.config import load_settings


def _quiet_libraries() -> None:
    """pyHanko logs a traceback for every untrusted chain and fontTools a line per font subset; the report says it."""
    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _fail(message: str, code: ExitCode = ExitCode.bad_arguments) -> None:
    print(f"sohoa: {message}", file=sys.stderr)
    raise typer.Exit(int(code))


def _read_secret(flag: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"{flag.removesuffix('-stdin').lstrip('-').upper()}: ")
    line = sys.stdin.readline()
    secret = line.rstrip("\r\n")
    if not secret:
        _fail(f"{flag}: không có dữ liệu trên stdin / nothing on standard input")
    return secret


def sign(
    dossier: Annotated[str | None, typer.Option("--dossier", help="Every document of this dossier.")] = None,
    batch: Annotated[int | None, typer.Option("--batch", help="Every document of this ingest batch.")] = None,
    document: Annotated[int | None, typer.Option("--document", help="One document by id.")] = None,
    pkcs12: Annotated[Path | None, typer.Option("--pkcs12", help="PKCS#12 (.p12/.pfx) key file.")] = None,
    passphrase_stdin: Annotated[
        bool, typer.Option("--passphrase-stdin", help="Read the passphrase from stdin.")
    ] = False,
    pkcs11_lib: Annotated[
        Path | None, typer.Option("--pkcs11-lib", help="PKCS#11 module of the token.")
    ] = None,
    token_label: Annotated[str | None, typer.Option("--token-label")] = None,
    key_label: Annotated[str | None, typer.Option("--key-label")] = None,
    pin_stdin: Annotated[bool, typer.Option("--pin-stdin", help="Read the token PIN from stdin.")] = False,
    role: Annotated[
        str, typer.Option("--as", help="officer (digitized copy) | agency (result, archive copy)")
    ] = "officer",
    signer: Annotated[
        str | None, typer.Option("--signer", help="Sign as this account (its role and units apply).")
    ] = None,
) -> None:
    """Ký số tài liệu đã số hóa (PAdES) / sign digitized documents."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from sohoa.compose import open_backends
    from sohoa.signing.appearance import set_font_cache
    from sohoa.signing.keys import Pkcs11Key, Pkcs12Key
    from sohoa.signing.service import Actor, sign_documents
    from sohoa.signing.settings import load_signing_settings

    _quiet_libraries()
    if sum(x is not None for x in (dossier, batch, document)) != 1:
        _fail(
            "chọn đúng một trong --dossier, --batch, --document / give exactly one of --dossier, --batch, --document"
        )
    if role not in ("officer", "agency"):
        _fail(f"--as {role}: phải là officer hoặc agency / must be officer or agency")
    if (pkcs12 is None) == (pkcs11_lib is None):
        _fail("chọn --pkcs12 FILE hoặc --pkcs11-lib LIB / give either --pkcs12 FILE or --pkcs11-lib LIB")
    if pkcs12 is not None:
        if not passphrase_stdin:
            _fail(
                "--pkcs12 cần --passphrase-stdin (mật khẩu đọc từ stdin) / --pkcs12 needs --passphrase-stdin"
            )
        key = Pkcs12Key(pkcs12)
        secret = _read_secret("--passphrase-stdin")
    else:
        if not (token_label and key_label and pin_stdin):
            _fail(
                "--pkcs11-lib cần --token-label, --key-label và --pin-stdin / needs --token-label, --key-label, --pin-stdin"
            )
        key = Pkcs11Key(pkcs11_lib, token_label, key_label)  # type: ignore[arg-type]
        secret = _read_secret("--pin-stdin")
    settings = load_settings()
    set_font_cache(settings.cache / "fonts")
    try:
        signing = load_signing_settings(settings.signing)
        backends = open_backends(settings)
    except SohoaError as error:
        _fail(str(error), error.exit_code)
    try:
        catalog, store = backends.catalog, backends.store
        if signer is not None:
            account = catalog.get_user(signer)
            if account is None or account.disabled:
                _fail(f"--signer {signer}: không có tài khoản đang hoạt động / no such enabled account")
            actor = Actor(account.username, account.role, tuple(account.units))
        else:
            # At the shell the operator already holds the catalogue and the store: recorded under their login.
            actor = Actor(f"cli:{getpass.getuser()}", "admin")
        if document is not None:
            ids = [document]
        elif batch is not None:
            ids = catalog.document_ids_of_batch(batch)
        else:
            ids = [d.id for d in catalog.documents_of_dossier(dossier or "")]
        if not ids:
            _fail("không có tài liệu nào để ký / no documents to sign", ExitCode.some_files_failed)
        console = Console(stderr=True, soft_wrap=True)
        with Progress(
            TextColumn("Đang ký số / signing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=not console.is_terminal,
        ) as bar:
            task = bar.add_task("sign", total=len(ids))

            def step(done: int, total: int, outcome) -> None:
                bar.update(task, completed=done)
                if outcome.error:
                    console.print(f"sohoa: {outcome.error}", highlight=False, markup=False)

            summary = sign_documents(
                catalog,
                store,
                ids,
                key=key,
                secret=secret,
                role=role,
                actor=actor,
                settings=signing,
                progress=step,
            )
    except SohoaError as error:
        _fail(str(error), error.exit_code)
    finally:
        backends.close()
    print(
        f"Đã ký {summary.signed}/{len(ids)} tài liệu / signed {summary.signed} of {len(ids)} documents "
        f"({len(summary.failed)} không ký / not signed)"
    )
    if summary.failed:
        raise typer.Exit(int(ExitCode.some_files_failed))


def verify(
    file: Annotated[Path | None, typer.Argument(help="A PDF to verify.")] = None,
    dossier: Annotated[str | None, typer.Option("--dossier", help="Every document of this dossier.")] = None,
    trust_root: Annotated[
        list[Path] | None, typer.Option("--trust-root", help="Trusted root certificate (PEM/DER).")
    ] = None,
    crl: Annotated[
        list[Path] | None, typer.Option("--crl", help="Certificate revocation list (PEM/DER).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Kiểm tra chữ ký số / verify signatures; exit 0 only when every signature is intact and trusted."""
    from sohoa.signing.service import DocumentVerification, verify_dossier
    from sohoa.signing.settings import load_signing_settings
    from sohoa.signing.verify import load_certificates, load_crls, verify_pdf

    _quiet_libraries()
    if (file is None) == (dossier is None):
        _fail("chọn FILE hoặc --dossier CODE / give FILE or --dossier CODE")
    settings = load_settings()
    try:
        signing = load_signing_settings(settings.signing)
        roots_paths = list(signing.trust_roots) + list(trust_root or [])
        crl_paths = list(signing.crls) + list(crl or [])
        for path in roots_paths + crl_paths:
            if not path.is_file():
                _fail(f"{path}: không có tệp / no such file")
        if file is not None:
            try:
                data = file.read_bytes()
            except OSError as error:
                _fail(f"{file}: không đọc được / cannot read ({error.strerror})")
            try:
                reports = verify_pdf(data, load_certificates(roots_paths), load_crls(crl_paths))
            except ValueError as error:
                _fail(f"{file}: {error}", ExitCode.some_files_failed)
            results = [DocumentVerification(0, str(file), "file", reports)]
        else:
            from sohoa.compose import open_backends

            backends = open_backends(settings)
            try:
                if backends.catalog.get_dossier(dossier or "") is None:
                    _fail(
                        f"--dossier {dossier}: không có hồ sơ / no such dossier", ExitCode.some_files_failed
                    )
                signing = replace(signing, trust_roots=tuple(roots_paths), crls=tuple(crl_paths))
                results = verify_dossier(backends.catalog, backends.store, dossier or "", signing)
            finally:
                backends.close()
    except SohoaError as error:
        _fail(str(error), error.exit_code)
    rows = [
        {
            **report.to_json(),
            "document_id": result.document_id or None,
            "object": result.object_key,
            "source": result.what,
        }
        for result in results
        for report in result.reports
    ]
    unsigned = [r for r in results if not r.reports]
    if as_json:
        print(
            json.dumps(
                {
                    "signatures": rows,
                    "unsigned": [
                        {"document_id": r.document_id or None, "object": r.object_key} for r in unsigned
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for row in rows:
            state = "hợp lệ / valid" if row["intact"] and row["trusted"] else "KHÔNG HỢP LỆ / NOT VALID"
            where = f"tr./p. {row['page']} {row['position']}" if row["page"] else "ẩn / invisible"
            print(
                f"{row['object']}: {row['role'] or '-'} {row['signer']} {row['signed_at']} {where}: {state}"
                + (f" ({'; '.join(row['problems'])})" if row["problems"] else "")
            )
        for result in unsigned:
            print(f"{result.object_key or result.document_id}: chưa ký số / not signed")
    if not rows or unsigned or not all(r["intact"] and r["trusted"] for r in rows):
        raise typer.Exit(int(ExitCode.some_files_failed))


def register(app: typer.Typer) -> None:
    app.command("sign")(sign)
    app.command("verify")(verify)
