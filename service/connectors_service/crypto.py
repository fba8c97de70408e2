"""Encryption of connector secrets at rest: AES-256-GCM with a keyring for rotation.

A token reads `v1.<key id>.<nonce + ciphertext + tag, urlsafe base64 without padding>`; the
key id is the first 8 hex digits of the key's sha256, so a token names the key that opens it
without revealing anything about the key. No message of this module contains key material
or plaintext.
"""

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from connectors_service.settings import Settings

__all__ = [
    "SEALED",
    "SecretBox",
    "SecretBoxError",
    "SecretKeyError",
    "SecretTokenError",
    "generate_key",
    "key_id",
    "load_secret_box",
    "open_data",
    "parse_keys",
]

_log = logging.getLogger(__name__)

# The member name of a sealed value, `{"$sealed": token}`: `$` keeps it apart from the
# names connectors use, and seal_data refuses input that already has this shape.
SEALED = "$sealed"

_VERSION = "v1"
_KEY_BYTES = 32
# 96-bit random nonces, the size GCM is specified for (NIST SP 800-38D 8.2.2); at 2**32
# encryptions under one key the collision risk reaches the NIST bound, far beyond this use.
_NONCE_BYTES = 12
_TAG_BYTES = 16
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_TOKEN = re.compile(r"^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]+)$")


class SecretBoxError(Exception):
    """Base class of the errors of secret encryption."""


class SecretKeyError(SecretBoxError):
    """A key is malformed, or a token names a key that is not in the keyring."""


class SecretTokenError(SecretBoxError):
    """A token is malformed or was modified: it does not authenticate under its key."""


def key_id(key: bytes) -> str:
    """The id a token carries for `key`: the first 8 hex digits of its sha256."""
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    """A new random key as urlsafe base64, the form settings and key files hold."""
    return base64.urlsafe_b64encode(secrets.token_bytes(_KEY_BYTES)).decode()


def parse_keys(text: str, *, source: str) -> list[bytes]:
    """Decode keys separated by commas or whitespace; `source` names where they came from."""
    encoded = [part for part in re.split(r"[\s,]+", text) if part]
    if not encoded:
        raise SecretKeyError(f"{source} holds no key")
    keys: list[bytes] = []
    for position, value in enumerate(encoded, start=1):
        key = b""
        # Checked first because the decoder silently drops characters outside the alphabet.
        if _BASE64URL.fullmatch(value):
            try:
                key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            except (binascii.Error, ValueError):
                key = b""
        if len(key) != _KEY_BYTES:
            # The position, never the value: a typo in a key is still most of a key.
            raise SecretKeyError(
                f"key {position} of {source} is not the urlsafe base64 of {_KEY_BYTES} bytes"
            )
        keys.append(key)
    return keys


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SecretBox:
    """Encrypts with the first key of its keyring; decrypts tokens of any of its keys."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SecretKeyError("a secret box needs at least one key")
        self._ciphers: dict[str, AESGCM] = {}
        for key in keys:
            if len(key) != _KEY_BYTES:
                raise SecretKeyError(f"a key must be {_KEY_BYTES} bytes (AES-256)")
            identifier = key_id(key)
            if identifier in self._ciphers:
                raise SecretKeyError(f"the keyring holds key {identifier} twice")
            self._ciphers[identifier] = AESGCM(key)
        self._current = key_id(keys[0])

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of the keyring's keys, the encrypting one first."""
        return tuple(self._ciphers)

    def encrypt(self, plaintext: str) -> str:
        """Encrypt `plaintext` under the first key; every call uses a fresh random nonce."""
        header = f"{_VERSION}.{self._current}"
        nonce = secrets.token_bytes(_NONCE_BYTES)
        # The header is authenticated as associated data, so a token cannot be relabelled.
        sealed = self._ciphers[self._current].encrypt(nonce, plaintext.encode(), header.encode())
        return f"{header}.{_b64encode(nonce + sealed)}"

    def seal(self, plaintext: str) -> dict[str, str]:
        """`plaintext` as it rests in stored data: `{"$sealed": token}`, which `open_data` opens.

        Which values are sealed is the domain's decision (`SecretRules.replace_secrets`).
        """
        return {SEALED: self.encrypt(plaintext)}

    def decrypt(self, token: str) -> str:
        """Decrypt a token of any key in the keyring; raise if it is unknown or was modified."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise SecretTokenError("not a v1 secret token")
        identifier, payload = match.groups()
        cipher = self._ciphers.get(identifier)
        if cipher is None:
            raise SecretKeyError(
                f"the token was encrypted with key {identifier}, which is not in the keyring "
                f"({', '.join(self._ciphers)}); add that key to decrypt it"
            )
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            raise SecretTokenError("the token's payload is not base64") from None
        # base64 decoding ignores the spare bits of the last character; a token that does not
        # encode back to itself was altered there, which GCM alone would not notice.
        if _b64encode(raw) != payload or len(raw) < _NONCE_BYTES + _TAG_BYTES:
            raise SecretTokenError("the token's payload is malformed")
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        try:
            plaintext = cipher.decrypt(nonce, sealed, f"{_VERSION}.{identifier}".encode())
        except InvalidTag:
            raise SecretTokenError("the token does not authenticate: it was modified") from None
        return plaintext.decode()


def load_secret_box(settings: Settings) -> SecretBox:
    """The box of `settings.secret_key`, or else of the key file, created on first use."""
    if settings.secret_key is not None:
        return SecretBox(
            parse_keys(settings.secret_key.get_secret_value(), source="CONNECTORS_SECRET_KEY")
        )
    path = Path(settings.secret_key_file)
    return SecretBox(parse_keys(_read_or_create_key_file(path), source=str(path)))


def _read_or_create_key_file(path: Path) -> str:
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        return _create_key_file(path)


def _create_key_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written in full to a private temporary file, then linked into place: the link fails
    # if the file exists, so two processes starting together agree on one key, and neither
    # can read a half-written file. mkstemp creates the file with mode 0600.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(generate_key() + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_key_file(path)
        _log.info("created secret key file %s", path)
    finally:
        os.unlink(temporary)
    return _read_key_file(path)


def _read_key_file(path: Path) -> str:
    text = path.read_text()
    if os.name == "posix" and path.stat().st_mode & 0o077:
        _log.warning("secret key file %s is readable by others; chmod 600 it", path)
    return text


def open_data(sealed: Mapping[str, Any], box: SecretBox) -> dict[str, Any]:
    """A copy of sealed `data` with every `{"$sealed": token}` decrypted back to its string."""
    opened = _open_value(sealed, box)
    if not isinstance(opened, dict):
        raise ValueError("sealed data must be an object")
    return opened


def _open_value(value: Any, box: SecretBox) -> Any:
    if isinstance(value, Mapping):
        if _is_sealed(value):
            return box.decrypt(value[SEALED])
        return {key: _open_value(item, box) for key, item in value.items()}
    if isinstance(value, list):
        return [_open_value(item, box) for item in value]
    return value


def _is_sealed(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and isinstance(value.get(SEALED), str)
