"""Behaviour of `python -m connectors_service` on the test database."""

import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from connectors_service import admin
from connectors_service.admin import main
from connectors_service.app import create_served_app
from connectors_service.db import create_engine_from_url
from connectors_service.settings import Settings
from connectors_service.store import ConnectorRecord, Store, new_id, utc_now

NewSlug = Callable[[], str]


@pytest.fixture(autouse=True)
def _use_test_database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)


def test_keys_create_prints_the_key_alone_on_the_last_line_when_org_is_new(
    capsys: pytest.CaptureFixture[str], store: Store, new_slug: NewSlug
) -> None:
    slug = new_slug()

    assert main(["keys", "create", "--org", slug]) == 0

    *human, last = capsys.readouterr().out.splitlines()
    organization = store.get_organization(slug)
    assert organization is not None
    assert f"team {organization.team_number}" in human[-1]
    principal = store.resolve_api_key(last)
    assert principal is not None
    assert principal.organization_id == organization.id
    assert principal.scopes == frozenset({"connectors:read", "connectors:write"})


def test_keys_create_reuses_the_org_and_narrows_scopes_when_org_exists(
    capsys: pytest.CaptureFixture[str], store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())

    assert main(["keys", "create", "--org", organization.slug, "--scopes", "connectors:read"]) == 0

    principal = store.resolve_api_key(capsys.readouterr().out.splitlines()[-1])
    assert principal is not None
    assert principal.organization_id == organization.id
    assert principal.scopes == frozenset({"connectors:read"})


def test_keys_revoke_stops_the_key_resolving_when_run(
    capsys: pytest.CaptureFixture[str], store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    info, plaintext = store.create_api_key(organization_id=organization.id)

    assert main(["keys", "revoke", info.id]) == 0
    assert main(["keys", "list", "--org", organization.slug]) == 0

    assert store.resolve_api_key(plaintext) is None
    [header, line] = capsys.readouterr().out.splitlines()[1:]
    assert header.startswith("ID\t")
    assert line.startswith(info.id)
    assert not line.endswith("\t-")


def test_orgs_commands_create_and_list_when_run(
    capsys: pytest.CaptureFixture[str], new_slug: NewSlug
) -> None:
    slug = new_slug()

    assert main(["orgs", "create", "--slug", slug, "--name", "Acme Inc"]) == 0
    assert main(["orgs", "list"]) == 0

    out = capsys.readouterr().out
    assert any(line.split("\t")[1:4:2] == [slug, "Acme Inc"] for line in out.splitlines())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["keys", "list", "--org", "no-such-org"], "error: unknown organization 'no-such-org'"),
        (["keys", "revoke", "key_unknown"], "error: no active key 'key_unknown'"),
        (["keys", "create", "--org", "x", "--scopes", "admin"], "error: --scopes takes"),
        (["orgs", "create", "--slug", "Not A Slug"], "error: slug must match"),
    ],
)
def test_command_exits_2_with_one_line_when_it_fails(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(message)


def test_orgs_create_exits_2_with_one_line_when_slug_is_taken(
    capsys: pytest.CaptureFixture[str], store: Store, new_slug: NewSlug
) -> None:
    slug = new_slug()
    store.create_organization(slug=slug)

    assert main(["orgs", "create", "--slug", slug]) == 2

    assert capsys.readouterr().err == f"error: organization {slug!r} already exists\n"


def test_parser_exits_2_with_one_line_when_arguments_are_wrong(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "create"])

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--org" in err


def test_serve_creates_the_schema_then_runs_the_app_factory_when_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = tmp_path / "fresh" / "connectors.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append((app, options)))

    assert main(["serve", "--port", "8123", "--workers", "2"]) == 0

    assert database.exists()
    engine = create_engine_from_url(f"sqlite:///{database}")
    assert {"connectors", "api_keys", "organizations"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    [(app, options)] = calls
    assert app == "connectors_service.app:create_served_app"
    assert options["factory"] is True
    assert (options["host"], options["port"], options["workers"]) == ("127.0.0.1", 8123, 2)


def test_served_app_freezes_what_it_built_when_created(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    gc.unfreeze()
    try:
        app = create_served_app()

        assert gc.get_freeze_count() > 0
        assert app.state.services is not None
    finally:
        # The objects go back to the collector: other tests build and drop many apps.
        gc.unfreeze()


def test_module_prints_a_key_for_tail_when_run_as_a_script(
    database_url: str, store: Store, new_slug: NewSlug
) -> None:
    slug = new_slug()
    completed = subprocess.run(
        [sys.executable, "-m", "connectors_service", "keys", "create", "--org", slug],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )

    assert completed.stderr == ""
    assert store.resolve_api_key(completed.stdout.splitlines()[-1]) is not None
    assert admin.build_parser().prog == "python -m connectors_service"


def test_settings_read_the_environment_when_variables_are_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("CONNECTORS_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("CONNECTORS_RATE_LIMIT_PER_MINUTE", "5")
    monkeypatch.setenv("CONNECTORS_LOG_LEVEL", "debug")

    settings = Settings()

    assert settings.database_url == "sqlite:///elsewhere.db"
    assert (settings.rate_limit_per_minute, settings.log_level) == (5, "debug")


def test_idempotency_purge_reports_removed_records_when_run(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`idempotency purge` deletes expired records and says how many."""
    from datetime import timedelta

    from connectors_service.admin import main
    from connectors_service.db import create_engine_from_url
    from connectors_service.store import Started, Store, utc_now

    store = Store(create_engine_from_url(database_url))
    then = utc_now() - timedelta(days=2)
    outcome = store.begin_idempotent(
        organization_id="org_purge",
        method="POST",
        path="/v1/connectors",
        key=f"k-{then.timestamp()}",
        request_hash="0" * 64,
        now=then,
    )
    assert isinstance(outcome, Started)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["idempotency", "purge"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("removed ")
    assert int(out.split()[1]) >= 1


def test_orgs_revoke_stops_every_key_resolving_and_keeps_connectors_when_run(
    capsys: pytest.CaptureFixture[str], store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    plaintexts = [store.create_api_key(organization_id=organization.id)[1] for _ in range(2)]
    already_revoked, _ = store.create_api_key(organization_id=organization.id)
    store.revoke_api_key(already_revoked.id)
    _, other_key = store.create_api_key(organization_id=other.id)
    now = utc_now()
    connector = store.insert_connector(
        ConnectorRecord(
            id=new_id("con"),
            organization_id=organization.id,
            name="kept",
            description=None,
            provider="custom",
            type="source",
            service_name=None,
            icon_url=None,
            fields=None,
            http=None,
            data={},
            version=1,
            created_at=now,
            created_by="prn_test",
            updated_at=now,
            updated_by="prn_test",
        )
    )

    assert main(["orgs", "revoke", "--org", organization.slug]) == 0

    assert capsys.readouterr().out == f"revoked 2 key(s) of organization {organization.slug}\n"
    assert [store.resolve_api_key(plaintext) for plaintext in plaintexts] == [None, None]
    assert store.resolve_api_key(other_key) is not None
    assert store.get_organization(organization.slug) == organization
    assert (
        store.get_connector(organization_id=organization.id, connector_id=connector.id) == connector
    )


def test_orgs_revoke_exits_2_with_one_line_when_org_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["orgs", "revoke", "--org", "no-such-org"]) == 2

    assert capsys.readouterr().err == "error: unknown organization 'no-such-org'\n"
