"""User patterns (`pattern`, Census `matches`): ECMA-262 read into RE2, linear-time matching."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors_service.domain import (
    MAX_PATTERN_LENGTH,
    PatternError,
    UserPattern,
    compile_user_pattern,
)
from connectors_service.store import Store
from tests.service.conftest import Service

ROOT = Path(__file__).resolve().parents[2]
# Catastrophic for a backtracking engine: `(a+)+` tries every split of the a's before the `!`
# fails the match, 2**40 of them here.
EVIL = "^(a+)+$"
EVIL_INPUT = "a" * 40 + "!"
# Generous: a linear-time engine answers at once; a backtracking one would take hours, and
# the child process it runs in is killed instead of stalling the test run.
CHILD_TIMEOUT_SECONDS = 20


def _compiled(pattern: str) -> UserPattern:
    return compile_user_pattern(pattern)


def _refusal(pattern: str) -> str:
    with pytest.raises(PatternError) as caught:
        compile_user_pattern(pattern)
    return caught.value.reason


# --- translation and compile ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        # JSON Schema `pattern` is a search, not a full match.
        ("b", ["abc"], ["xyz"]),
        (
            r"^https://rest\.(iad|fra)-\d\d\.braze\.(com|eu)$",
            ["https://rest.iad-01.braze.com"],
            [
                "https://rest.iad-01.braze.org",
                "https://rest.iad-1.braze.com",
            ],
        ),
        # `^`/`$` are the ends of the input (no "m" flag); `$` is not "before a final newline".
        ("^a$", ["a"], ["a\n", "b\na"]),
        # `.` excludes every LineTerminator, not only \n; an astral character is one `.`.
        ("^.$", ["x", "😀", "\u00e9"], ["\n", "\r", "\u2028", "\u2029", ""]),
        # `\s` is ECMA-262 WhiteSpace and LineTerminator, wider than RE2's `\s`.
        (
            r"^\s$",
            [" ", "\t", "\v", "\f", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u2028"],
            [
                "a",
                "\x1c",
                "\u200b",
            ],
        ),
        (r"^\S$", ["a", "\x1c"], ["\v", "\u00a0"]),
        (r"^[\S]$", ["a"], ["\v"]),
        (r"^[^\S]$", ["\v", "\u00a0"], ["a"]),
        # `\d` and `\w` are ASCII in ECMA-262.
        (r"^\d$", ["7"], ["\u0663", "a"]),
        (r"^\w$", ["_", "Z"], ["\u00e9", "-"]),
        (r"\bfoo\b", ["a foo."], ["afoo"]),
        # Escapes ECMA-262 allows with the "u" flag.
        (r"^\/\.\*$", ["/.*"], ["/a*"]),
        (r"^\u0041\u{1F600}$", ["A😀"], ["A"]),
        (r"^\uD83D\uDE00$", ["😀"], ["\ud83d"]),
        (r"^\x41\cJ\0$", ["A\n\0"], ["A\n"]),
        (r"^[\b\-]+$", ["\b-"], ["b"]),
        # Named groups group; their names are not needed to match.
        (r"^(?<year>\d{4})-(?<month>\d\d)$", ["2024-01"], ["24-01"]),
        (r"^(?:ab)+?$", ["abab"], ["aba"]),
        ("^a{2,3}$", ["aa", "aaa"], ["a", "aaaa"]),
        # `[]` matches nothing and `[^]` any one code point (ECMA-262 §22.2.2.9).
        ("a[]", [], ["a", "a]"]),
        ("^[^]$", ["\n", "x"], ["", "xy"]),
        (r"^\p{Lu}\p{Letter}+\P{L}$", ["Ab1", "Éé!"], ["ab1", "Abc"]),
        (r"^\p{Script=Greek}+$", ["αβ"], ["ab"]),
        ("^(a+)+$", ["aaa"], [EVIL_INPUT]),
    ],
)
def test_pattern_matches_as_ecma_262_when_rewritten_for_re2(
    pattern: str, matching: list[str], not_matching: list[str]
) -> None:
    """Accepted patterns keep their ECMA-262 meaning ("u" flag) in RE2."""
    compiled = _compiled(pattern)
    assert [text for text in matching if not compiled.search(text)] == []
    assert [text for text in not_matching if compiled.search(text)] == []


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=a)a", "Lookahead"),
        ("a(?!b)", "Lookahead"),
        ("(?<=a)b", "Lookbehind"),
        ("(?<!a)b", "Lookbehind"),
        (r"(a)\1", "Backreferences"),
        (r"(?<x>a)\k<x>", "Backreferences"),
        ("(?i:a)", "modifiers"),
        ("(?i)a", "modifiers"),
        ("(?P<x>a)", "modifiers"),
        ("a{1001}", "above 1000"),
        ("a{3,2}", "out of order"),
        ("a{", "lone `{`"),
        ("a}", "lone `}`"),
        ("]", "lone `]`"),
        ("a**", "nothing to repeat"),
        ("^*", "nothing to repeat"),
        (r"\b+", "nothing to repeat"),
        ("(a", "not closed"),
        ("a)", "no `(`"),
        ("[a", "not closed"),
        ("[z-a]", "out of order"),
        (r"[\d-z]", "two single characters"),
        (r"\a", "not an escape"),
        (r"\-", "not an escape"),
        (r"\01", "Octal"),
        (r"\x4", "two hex digits"),
        (r"\u12", "four hex digits"),
        (r"\u{110000}", "10FFFF"),
        (r"\uD800", "lone surrogate"),
        ("\ud800", "lone surrogate"),
        (r"\p{Alphabetic}", "General_Category and Script"),
        (r"\p{Script_Extensions=Greek}", "General_Category and Script"),
        (r"\p{LC}", "not known to RE2"),
        (r"\p{sc=Grek}", "RE2"),
        ("(?<a>x)(?<a>y)", "used twice"),
        ("(?<1a>x)", "identifier"),
        ("\\", "ends in the middle"),
        ("a" * (MAX_PATTERN_LENGTH + 1), f"at most {MAX_PATTERN_LENGTH}"),
        # Each class copy is a large program: past the memory budget, refused.
        (r"(\p{L}|\d){500}", "too large"),
    ],
)
def test_pattern_is_refused_with_a_reason_when_re2_cannot_run_it(pattern: str, reason: str) -> None:
    """Lookaround, backreferences, modifiers and non-"u" syntax are refused, saying why."""
    assert reason in _refusal(pattern)


def test_pattern_at_the_length_limit_compiles_when_otherwise_valid() -> None:
    """The cap is inclusive."""
    assert _compiled("a" * MAX_PATTERN_LENGTH).search("a" * MAX_PATTERN_LENGTH)


def test_compiled_pattern_is_reused_when_compiled_again() -> None:
    """The same definitions are checked on every write: one compile serves them all."""
    assert compile_user_pattern("^cached-[a-z]+$") is compile_user_pattern("^cached-[a-z]+$")


def test_value_with_a_lone_surrogate_is_matched_when_searched() -> None:
    """A lone surrogate (valid in a JSON string) is one code point for `.`, never an error."""
    assert _compiled("^a.b$").search("a\udc00b")
    assert not _compiled("^ab$").search("a\udc00b")


# --- RE2 and Python's backtracking `re` agree on the shared ASCII subset ----------------------

# No newline or carriage return: Python's `$` also matches before a final "\n" and its `.`
# matches "\r"; ECMA-262 (and the translation) do neither. No \x1c-\x1f, which Python's `\s`
# includes and ECMA-262's does not.
_ALPHABET = "ab01 _-."
_SINGLES = ["a", "b", "0", "1", " ", "_", "-", r"\.", ".", r"\d", r"\D", r"\w", r"\W", r"\s", r"\S"]
_CLASSES = ["[ab]", "[^a]", "[a-b0]", r"[\d_]", r"[^\s.]", "[-a]", r"[\S]", r"[^\W]"]
_ATOMS = st.sampled_from([*_SINGLES, *_CLASSES])
_QUANTIFIERS = st.sampled_from(["", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,}"])
# A group repeats a bounded number of times only: the reference, Python's backtracking `re`,
# takes exponential time on nested unbounded repeats such as `((a*)*)*b` (the very ReDoS
# RE2 is here for), so they would stall the test rather than the service.
_GROUP_QUANTIFIERS = st.sampled_from(["", "?", "??", "{2}", "{1,3}"])
_ANCHORS = st.sampled_from(["", "^", r"\b"])
_ENDS = st.sampled_from(["", "$", r"\b"])


@st.composite
def _ascii_patterns(draw: st.DrawFn) -> str:
    """Patterns both engines read the same way: atoms, groups, alternation, quantifiers."""

    def term(depth: int) -> str:
        if depth < 2 and draw(st.booleans()):
            inner = "|".join(sequence(depth + 1) for _ in range(draw(st.integers(1, 3))))
            group = f"({inner})" if draw(st.booleans()) else f"(?:{inner})"
            return group + draw(_GROUP_QUANTIFIERS)
        return draw(_ATOMS) + draw(_QUANTIFIERS)

    def sequence(depth: int) -> str:
        return "".join(term(depth) for _ in range(draw(st.integers(0, 4))))

    return draw(_ANCHORS) + sequence(0) + draw(_ENDS)


@settings(max_examples=300, deadline=None)
@given(pattern=_ascii_patterns(), text=st.text(alphabet=_ALPHABET, max_size=12))
def test_re2_agrees_with_python_re_when_both_accept_an_ascii_pattern(
    pattern: str, text: str
) -> None:
    """Translation keeps meaning: search results are those of a backtracking engine."""
    try:
        reference = re.compile(pattern, re.ASCII)
    except re.error:
        return
    try:
        compiled = compile_user_pattern(pattern)
    except PatternError:
        return
    assert compiled.search(text) == (reference.search(text) is not None)


# --- through the HTTP interface ---------------------------------------------------------------

# The child builds its own app on the test database and sends one request; a stalled engine
# is then a killed child and a failed test, not a stalled test run.
_CHILD = """
import json, sys
from fastapi.testclient import TestClient
from connectors_service.app import create_app
from connectors_service.settings import Settings

job = json.loads(sys.stdin.read())
app = create_app(Settings(database_url=job["database_url"], secret_key_file=job["key_file"],
                          rate_limit_per_minute=1_000_000))
try:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(job["method"], job["path"], json=job["body"],
                                  headers={"Authorization": "Bearer " + job["key"]})
        print(json.dumps({"status": response.status_code, "body": response.json()}))
finally:
    app.state.services.store.close()
"""


def _in_child(
    service: Service, database_url: str, tmp_path: Path, method: str, path: str, body: Any
) -> tuple[int, Any]:
    job = {
        "database_url": database_url,
        # The same key file as the fixture's app, so both read each other's secrets.
        "key_file": str(tmp_path / "secret.key"),
        "key": service.key,
        "method": method,
        "path": path,
        "body": body,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{method} {path} did not answer within {CHILD_TIMEOUT_SECONDS} s")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return int(answer["status"]), answer["body"]


def _field(**members: Any) -> dict[str, Any]:
    return {"id": "a", "label": "A", "type": "string", **members}


def _native(fields: list[dict[str, Any]], data: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Acme", "provider": "acme", "type": "source", "fields": fields}
    if data is not None:
        body["data"] = data
    return body


def _details(body: Any) -> list[tuple[str, str]]:
    return [(d["field"], d["code"]) for d in body["error"]["details"]]


def test_catastrophic_pattern_answers_422_when_the_default_does_not_match(
    service: Service, database_url: str, tmp_path: Path
) -> None:
    """Native create: `^(a+)+$` against a 41-character default is refused, not a stall."""
    body = _native([_field(pattern=EVIL, default=EVIL_INPUT)])
    status, answer = _in_child(service, database_url, tmp_path, "POST", "/v1/connectors", body)
    assert status == 422, answer
    assert _details(answer) == [("/fields/0/default", "INVALID_FIELD_DEFINITION")]
    assert EVIL_INPUT not in json.dumps(answer)


def test_catastrophic_census_matches_answers_422_when_the_default_does_not_match(
    service: Service, database_url: str, tmp_path: Path
) -> None:
    """Census create: `matches` is the same pattern, run by the same engine."""
    body = {
        "connector": {
            "service_name": "acme",
            "label": "Acme",
            "configuration_definition": {
                "token": {
                    "label": "Token",
                    "type": "string",
                    "matches": EVIL,
                    "default": EVIL_INPUT,
                }
            },
        }
    }
    status, answer = _in_child(service, database_url, tmp_path, "POST", "/api/v1/connectors", body)
    assert status == 422, answer
    assert answer["status"] == "error"
    assert "/connector/configuration_definition/token/default" in answer["message"]


def test_catastrophic_pattern_answers_422_when_a_put_value_does_not_match(
    service: Service, database_url: str, tmp_path: Path
) -> None:
    """PUT: a data value checked against `^(a+)+$` is refused promptly, its value not echoed."""
    with service.client() as client:
        created = client.post(
            "/v1/connectors", json=_native([_field(pattern=EVIL)]), headers=service.auth
        )
    assert created.status_code == 201, created.text
    path = f"/v1/connectors/{created.json()['data']['id']}"
    status, answer = _in_child(
        service, database_url, tmp_path, "PUT", path, {"data": {"a": EVIL_INPUT}}
    )
    assert status == 422, answer
    assert _details(answer) == [("/data/a", "INVALID_VALUE")]
    assert EVIL_INPUT not in json.dumps(answer)


def test_lookahead_is_422_at_the_pattern_when_a_field_is_defined(service: Service) -> None:
    """RE2 cannot run lookaround: INVALID_FIELD_DEFINITION at /fields/0/pattern."""
    with service.client() as client:
        response = client.post(
            "/v1/connectors", json=_native([_field(pattern="(?=a)a")]), headers=service.auth
        )
    assert response.status_code == 422, response.text
    assert _details(response.json()) == [("/fields/0/pattern", "INVALID_FIELD_DEFINITION")]
    assert "Lookahead" in response.json()["error"]["details"][0]["message"]


def test_census_lookahead_is_422_at_matches_when_a_field_is_defined(service: Service) -> None:
    """The Census dialect reports the same refusal at its own member name."""
    body = {
        "connector": {
            "service_name": "acme",
            "label": "Acme",
            "configuration_definition": {
                "token": {"label": "Token", "type": "string", "matches": "(?!x)."}
            },
        }
    }
    with service.client() as client:
        response = client.post("/api/v1/connectors", json=body, headers=service.auth)
    assert response.status_code == 422, response.text
    assert "/connector/configuration_definition/token/matches" in response.json()["message"]


def test_value_is_checked_by_the_translated_pattern_when_written(
    service: Service, store: Store
) -> None:
    """ECMA-262 `\\s` (U+00A0 is white space) and `$` (not before a final newline) hold."""
    fields = [_field(pattern=r"^\S+$"), _field(id="b", pattern="^ok$")]
    with service.client() as client:
        created = client.post(
            "/v1/connectors", json=_native(fields, {"a": "ok"}), headers=service.auth
        )
        assert created.status_code == 201, created.text
        path = f"/v1/connectors/{created.json()['data']['id']}"
        refused = client.put(
            path, json={"data": {"a": "no\u00a0way", "b": "ok\n"}}, headers=service.auth
        )
        accepted = client.put(path, json={"data": {"a": "fine", "b": "ok"}}, headers=service.auth)
    assert refused.status_code == 422, refused.text
    assert sorted(_details(refused.json())) == [
        ("/data/a", "INVALID_VALUE"),
        ("/data/b", "INVALID_VALUE"),
    ]
    assert accepted.status_code == 200, accepted.text
    record = store.get_connector(
        organization_id=service.organization_id, connector_id=created.json()["data"]["id"]
    )
    assert record is not None
    assert record.data == {"a": "fine", "b": "ok"}
