"""Secret encryption at rest: the secret box, its keys, and sealing connector data."""

import base64
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from connectors_service.crypto import (
    SEALED,
    SecretBox,
    SecretKeyError,
    SecretTokenError,
    generate_key,
    key_id,
    load_secret_box,
    open_data,
    parse_keys,
)
from connectors_service.domain import SecretRules
from connectors_service.settings import Settings

OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(32, 64))


# `pin` is secret by its definition (top level only); the rest by their names.
_RULES = SecretRules.from_fields([{"id": "pin", "secret": True}])


def seal_data(data: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """Sealing as the service does it: the domain decides, the box encrypts."""
    return _RULES.replace_secrets(data, box.seal)


@pytest.fixture
def secret_box() -> SecretBox:
    """A box with one fixed key."""
    return SecretBox([OLD_KEY])


def test_secret_box_round_trips_when_text_is_any_unicode(secret_box: SecretBox) -> None:
    for plaintext in ["", "hunter2", "ключ 🔑 \n\x00", "x" * 10_000]:
        assert secret_box.decrypt(secret_box.encrypt(plaintext)) == plaintext


def test_secret_box_token_names_version_and_key_when_encrypting(secret_box: SecretBox) -> None:
    version, identifier, payload = secret_box.encrypt("hunter2").split(".")

    assert (version, identifier) == ("v1", key_id(OLD_KEY))
    assert len(identifier) == 8
    assert "=" not in payload
    assert "hunter2" not in base64.urlsafe_b64decode(payload + "==").decode("latin-1")


def test_secret_box_uses_a_fresh_nonce_when_encrypting_the_same_text(
    secret_box: SecretBox,
) -> None:
    tokens = {secret_box.encrypt("same") for _ in range(200)}
    nonces = {base64.urlsafe_b64decode(token.split(".")[2] + "==")[:12] for token in tokens}

    assert len(tokens) == 200
    assert len(nonces) == 200


def test_secret_box_raises_when_any_character_of_the_token_is_changed(
    secret_box: SecretBox,
) -> None:
    token = secret_box.encrypt("hunter2")

    for position in range(len(token)):
        replacement = "A" if token[position] != "A" else "B"
        tampered = token[:position] + replacement + token[position + 1 :]
        with pytest.raises((SecretTokenError, SecretKeyError)):
            secret_box.decrypt(tampered)


@pytest.mark.parametrize("token", ["", "hunter2", "v2.00000000.AAAA", "v1.0000.AAAA", "v1.x.y.z"])
def test_secret_box_raises_when_token_is_malformed(secret_box: SecretBox, token: str) -> None:
    with pytest.raises(SecretTokenError):
        secret_box.decrypt(token)


def test_secret_box_raises_when_token_is_truncated(secret_box: SecretBox) -> None:
    token = secret_box.encrypt("hunter2")

    with pytest.raises(SecretTokenError):
        secret_box.decrypt(token[:-4])


def test_rotated_box_decrypts_old_tokens_and_encrypts_with_new_key_when_keyring_has_both() -> None:
    old_token = SecretBox([OLD_KEY]).encrypt("hunter2")
    rotated = SecretBox([NEW_KEY, OLD_KEY])

    new_token = rotated.encrypt("hunter2")

    assert rotated.decrypt(old_token) == "hunter2"
    assert new_token.split(".")[1] == key_id(NEW_KEY)
    assert SecretBox([NEW_KEY]).decrypt(new_token) == "hunter2"


def test_secret_box_names_the_missing_key_when_token_is_from_an_unknown_key() -> None:
    token = SecretBox([OLD_KEY]).encrypt("hunter2")

    with pytest.raises(SecretKeyError, match=key_id(OLD_KEY)) as raised:
        SecretBox([NEW_KEY]).decrypt(token)

    assert "hunter2" not in str(raised.value)
    assert token.split(".")[2] not in str(raised.value)


@pytest.mark.parametrize("keys", [[], [b"short"], [OLD_KEY, OLD_KEY]])
def test_secret_box_raises_when_keyring_is_invalid(keys: list[bytes]) -> None:
    with pytest.raises(SecretKeyError):
        SecretBox(keys)


def test_parse_keys_accepts_padded_unpadded_and_several_keys_when_separated() -> None:
    padded = base64.urlsafe_b64encode(NEW_KEY).decode()
    unpadded = base64.urlsafe_b64encode(OLD_KEY).decode().rstrip("=")

    assert parse_keys(f" {padded},\n{unpadded}\n", source="test") == [NEW_KEY, OLD_KEY]


SHORT_KEY = base64.urlsafe_b64encode(b"x" * 16).decode()
_OLD = base64.urlsafe_b64encode(OLD_KEY).decode()
# The decoder would drop the `!` and accept the rest: a typo must not pass for a key.
JUNK_IN_KEY = _OLD[:10] + "!" + _OLD[10:]


@pytest.mark.parametrize("text", ["", "  \n", "not-base64!", SHORT_KEY, JUNK_IN_KEY])
def test_parse_keys_raises_without_echoing_the_value_when_key_is_bad(text: str) -> None:
    with pytest.raises(SecretKeyError, match="CONNECTORS_SECRET_KEY") as raised:
        parse_keys(text, source="CONNECTORS_SECRET_KEY")

    assert not text.strip() or text.strip() not in str(raised.value)


def test_load_secret_box_uses_settings_key_when_it_is_set(tmp_path: Path) -> None:
    encoded = f"{base64.urlsafe_b64encode(NEW_KEY).decode()},{generate_key()}"
    key_file = tmp_path / "secret.key"

    box = load_secret_box(Settings(secret_key=SecretStr(encoded), secret_key_file=str(key_file)))

    assert box.key_ids[0] == key_id(NEW_KEY)
    assert len(box.key_ids) == 2
    assert not key_file.exists()


def test_settings_hide_the_secret_key_when_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = generate_key()
    monkeypatch.setenv("CONNECTORS_SECRET_KEY", encoded)

    settings = Settings()

    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == encoded
    assert encoded not in repr(settings)
    assert encoded not in str(settings.model_dump())


def test_load_secret_box_creates_a_private_key_file_when_none_exists(tmp_path: Path) -> None:
    key_file = tmp_path / "nested" / "var" / "secret.key"
    settings = Settings(secret_key_file=str(key_file))

    first = load_secret_box(settings)
    token = first.encrypt("hunter2")
    second = load_secret_box(settings)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(parse_keys(key_file.read_text(), source="file")) == 1
    assert second.key_ids == first.key_ids
    assert second.decrypt(token) == "hunter2"
    assert [path.name for path in key_file.parent.iterdir()] == ["secret.key"]


def test_load_secret_box_agrees_on_one_key_when_processes_create_the_file_together(
    tmp_path: Path,
) -> None:
    settings = Settings(secret_key_file=str(tmp_path / "secret.key"))
    barrier = threading.Barrier(8)
    ids: list[tuple[str, ...]] = []

    def load() -> None:
        barrier.wait()
        ids.append(load_secret_box(settings).key_ids)

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(ids)) == 1
    assert len(ids) == 8


def test_load_secret_box_warns_when_key_file_is_readable_by_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "secret.key"
    key_file.write_text(generate_key())
    os.chmod(key_file, 0o644)

    load_secret_box(Settings(secret_key_file=str(key_file)))

    assert "chmod 600" in caplog.text


def _connector_data() -> dict[str, Any]:
    return {
        "password": "top-hunter2",
        "pin": "top-1234",
        "host": "db.example.com",
        "port": 5432,
        "api_token": None,
        "auth": {"refresh_token": "nested-r3fresh", "pin": "not-secret-below-top", "kind": "oauth"},
        "accounts": [{"password": "listed-s3cret", "name": "main"}, "plain"],
        "deep": [[{"password": "deep-s3cret"}]],
        "api_tokens": ["tok-1", "tok-2"],
    }


def test_seal_data_hides_every_secret_when_data_is_nested(secret_box: SecretBox) -> None:
    data = _connector_data()

    sealed = seal_data(data, secret_box)

    dumped = json.dumps(sealed)
    for plaintext in [
        "top-hunter2",
        "top-1234",
        "nested-r3fresh",
        "listed-s3cret",
        "deep-s3cret",
        "tok-1",
    ]:
        assert plaintext not in dumped
    assert set(sealed["password"]) == {SEALED}
    assert set(sealed["auth"]["refresh_token"]) == {SEALED}
    assert set(sealed["accounts"][0]["password"]) == {SEALED}
    # Lists of lists too, and string items of a list held by a secret name.
    assert set(sealed["deep"][0][0]["password"]) == {SEALED}
    assert [set(item) for item in sealed["api_tokens"]] == [{SEALED}, {SEALED}]
    # Only strings are secrets, and `top_level` reaches the callable.
    assert sealed["api_token"] is None
    assert sealed["auth"]["pin"] == "not-secret-below-top"
    assert sealed["host"] == "db.example.com"
    assert data == _connector_data()


def test_open_data_restores_the_original_when_data_was_sealed(secret_box: SecretBox) -> None:
    sealed = seal_data(_connector_data(), secret_box)

    assert open_data(sealed, secret_box) == _connector_data()
    assert open_data(json.loads(json.dumps(sealed)), secret_box) == _connector_data()


def test_open_data_leaves_plain_data_alone_when_nothing_is_sealed(secret_box: SecretBox) -> None:
    data = {"host": "db", "nested": {"a": [1, {"b": "c"}]}, "marker": {SEALED: 1, "x": 2}}

    assert open_data(data, secret_box) == data
