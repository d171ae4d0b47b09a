"""Open a signing key: a PKCS#12 file or a PKCS#11 token (USB token, HSM, SoftHSM2).

The PIN or passphrase is passed in by the caller, used once to unlock the key and never stored or logged. On a
token the private key never leaves the device: pyHanko asks the token to sign the digest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509
from pyhanko.sign import signers

from sohoa.signing.errors import KeyAccessError, WrongPinError


@dataclass(frozen=True)
class Pkcs12Key:
    path: Path


@dataclass(frozen=True)
class Pkcs11Key:
    library: Path
    token_label: str
    key_label: str
    # The certificate on the token; by default stored under the key's label, as pkcs11-tool imports it.
    cert_label: str | None = None


KeySpec = Pkcs12Key | Pkcs11Key


def describe(key: KeySpec) -> str:
    """The key named for messages: file path or token/label, never a secret."""
    if isinstance(key, Pkcs12Key):
        return str(key.path)
    return f"{key.library} token {key.token_label!r} key {key.key_label!r}"


def load_pkcs12(path: Path, passphrase: str) -> signers.SimpleSigner:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyAccessError(
            f"{path}: không đọc được tệp khóa / cannot read the key file ({error.strerror})"
        ) from None
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=passphrase.encode("utf-8")
        )
    except ValueError:
        raise WrongPinError(
            f"{path}: sai mật khẩu hoặc tệp không phải PKCS#12 / wrong passphrase or not a PKCS#12 file"
        ) from None


@contextmanager
def open_signer(key: KeySpec, secret: str) -> Iterator[signers.Signer]:
    """The pyHanko signer for `key`, unlocked with `secret` (PIN or passphrase); a token session is closed
    on exit. Raises WrongPinError / KeyAccessError with a one-line message before anything is signed."""
    if isinstance(key, Pkcs12Key):
        yield load_pkcs12(key.path, secret)
        return
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as p11

    where = describe(key)
    if not Path(key.library).is_file():
        raise KeyAccessError(f"{key.library}: không có thư viện PKCS#11 / PKCS#11 library not found")
    try:
        session = p11.open_pkcs11_session(
            str(key.library), token_criteria=TokenCriteria(label=key.token_label), user_pin=secret
        )
    except pkcs11.exceptions.PinIncorrect:
        raise WrongPinError(f"{where}: sai mã PIN / wrong PIN") from None
    except pkcs11.exceptions.PinLocked:
        raise WrongPinError(f"{where}: mã PIN đã bị khóa / PIN locked") from None
    except (pkcs11.exceptions.PKCS11Error, p11.PKCS11Error, RuntimeError) as error:
        raise KeyAccessError(
            f"{where}: không mở được token / cannot open the token ({error or type(error).__name__})"
        ) from None
    try:
        signer = p11.PKCS11Signer(
            session, cert_label=key.cert_label or key.key_label, key_label=key.key_label
        )
        try:
            signer.signing_cert  # noqa: B018 - fetch now so a missing key/cert fails before any signing
        except Exception as error:  # noqa: BLE001 - pyHanko raises plain errors for objects not on the token
            raise KeyAccessError(
                f"{where}: không tìm thấy khóa hoặc chứng thư / key or certificate not found ({error})"
            ) from None
        yield signer
    finally:
        session.close()


def certificate_of(signer: signers.Signer) -> x509.Certificate:
    cert = signer.signing_cert
    if cert is None:
        raise KeyAccessError("khóa không có chứng thư số / the key has no certificate")
    return cert
