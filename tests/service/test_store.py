"""Behaviour of the store on SQLite and, when DATABASE_URL says so, on PostgreSQL."""

import dataclasses
import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import connectors_service.store as store_module
from connectors_service.db import create_engine_from_url
from connectors_service.store import (
    ConnectorRecord,
    DuplicateOrganization,
    DuplicateServiceName,
    Organization,
    Rewrite,
    Store,
    UnknownOrganization,
    new_id,
    utc_now,
)

NewSlug = Callable[[], str]


def _connector(organization: Organization, **changes: object) -> ConnectorRecord:
    now = utc_now()
    record = ConnectorRecord(
        id=new_id("con"),
        organization_id=organization.id,
        name="Pipedrive",
        description=None,
        provider="pipedrive",
        type="destination",
        service_name=None,
        icon_url=None,
        fields=[{"id": "api_token", "label": "API token", "type": "string", "secret": True}],
        http={"url": "https://api.example.com", "headers": {"Authorization": "{{ api_token }}"}},
        data={"api_token": "s3cr3t"},
        version=1,
        created_at=now,
        created_by="prn_test",
        updated_at=now,
        updated_by="prn_test",
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_public_api_lists_every_export_once_when_imported() -> None:
    names = store_module.__all__
    assert len(names) == len(set(names))
    assert all(hasattr(store_module, name) for name in names)
    public = {name for name in vars(store_module) if not name.startswith("_")}
    assert public == set(names)


def test_team_numbers_follow_creation_order_when_organizations_are_created(
    store: Store, engine: Engine, new_slug: NewSlug
) -> None:
    created = [store.create_organization(slug=new_slug()) for _ in range(3)]

    numbers = [organization.team_number for organization in created]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    if engine.dialect.name == "sqlite":
        # A fresh database per test: numbering starts at 1.
        assert numbers == [1, 2, 3]
    listed = [o for o in store.list_organizations() if o in created]
    assert listed == created


def test_team_numbers_stay_unique_when_organizations_are_created_concurrently(
    store: Store, new_slug: NewSlug
) -> None:
    slugs = [new_slug() for _ in range(8)]
    barrier = threading.Barrier(len(slugs))
    created: list[Organization] = []

    def create(slug: str) -> None:
        barrier.wait()
        created.append(store.create_organization(slug=slug))

    threads = [threading.Thread(target=create, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    numbers = sorted(organization.team_number for organization in created)
    assert numbers == list(range(numbers[0], numbers[0] + len(slugs)))


def test_create_organization_raises_when_slug_is_taken(store: Store, new_slug: NewSlug) -> None:
    slug = new_slug()
    store.create_organization(slug=slug, name="Acme")

    with pytest.raises(DuplicateOrganization):
        store.create_organization(slug=slug)


def test_create_organization_raises_when_slug_is_malformed(store: Store) -> None:
    with pytest.raises(ValueError, match="slug"):
        store.create_organization(slug="Not A Slug")


def test_database_holds_only_the_hash_when_a_key_is_created(
    store: Store, engine: Engine, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    info, plaintext = store.create_api_key(organization_id=organization.id)

    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT * FROM api_keys WHERE id = :id"), {"id": info.id}
        ).one()
    assert plaintext.startswith("ck_")
    assert row.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in [str(value) for value in row]
    assert row.prefix == plaintext[:12] == info.prefix


def test_key_resolves_to_its_principal_when_valid(store: Store, new_slug: NewSlug) -> None:
    organization = store.create_organization(slug=new_slug())
    info, plaintext = store.create_api_key(
        organization_id=organization.id, scopes=("connectors:read",)
    )

    principal = store.resolve_api_key(plaintext)

    assert principal is not None
    assert principal.organization_id == organization.id
    assert principal.principal_id == info.principal_id
    assert principal.team_number == organization.team_number
    assert principal.scopes == frozenset({"connectors:read"})


def test_key_does_not_resolve_when_revoked(store: Store, new_slug: NewSlug) -> None:
    organization = store.create_organization(slug=new_slug())
    info, plaintext = store.create_api_key(organization_id=organization.id)

    assert store.revoke_api_key(info.id) is True

    assert store.resolve_api_key(plaintext) is None
    assert store.revoke_api_key(info.id) is False
    [listed] = store.list_api_keys(organization_id=organization.id)
    assert listed.revoked_at is not None


def test_key_does_not_resolve_when_unknown(store: Store) -> None:
    assert store.resolve_api_key("ck_" + "x" * 43) is None
    assert store.resolve_api_key("not-a-key") is None


def test_get_connector_returns_none_when_connector_belongs_to_another_org(
    store: Store, new_slug: NewSlug
) -> None:
    owner = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    record = store.insert_connector(_connector(owner, service_name="pipedrive"))

    assert store.get_connector(organization_id=owner.id, connector_id=record.id) == record
    assert store.get_connector(organization_id=other.id, connector_id=record.id) is None
    assert (
        store.get_connector_by_service_name(organization_id=other.id, service_name="pipedrive")
        is None
    )
    assert store.delete_connector(organization_id=other.id, connector_id=record.id) is False


def test_insert_connector_raises_when_service_name_is_taken_in_the_org(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    store.insert_connector(_connector(organization, service_name="pipedrive"))

    with pytest.raises(DuplicateServiceName):
        store.insert_connector(_connector(organization, service_name="pipedrive"))
    # The same name in another organization, and any number of unnamed connectors, are fine.
    store.insert_connector(_connector(other, service_name="pipedrive"))
    store.insert_connector(_connector(organization))
    store.insert_connector(_connector(organization))


def test_replace_connector_returns_none_when_version_is_stale(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    original = store.insert_connector(_connector(organization))
    first = dataclasses.replace(original, name="First", version=2, updated_at=utc_now())
    second = dataclasses.replace(original, name="Second", version=2, updated_at=utc_now())

    assert store.replace_connector(first, expected_version=1) == first
    assert store.replace_connector(second, expected_version=1) is None

    stored = store.get_connector(organization_id=organization.id, connector_id=original.id)
    assert stored == first


def test_replace_connector_returns_none_when_connector_belongs_to_another_org(
    store: Store, new_slug: NewSlug
) -> None:
    owner = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    original = store.insert_connector(_connector(owner))
    hijack = dataclasses.replace(original, organization_id=other.id, name="Mine", version=2)

    assert store.replace_connector(hijack, expected_version=1) is None
    assert store.get_connector(organization_id=owner.id, connector_id=original.id) == original


def test_delete_connector_returns_false_when_repeated(store: Store, new_slug: NewSlug) -> None:
    organization = store.create_organization(slug=new_slug())
    record = store.insert_connector(_connector(organization))

    assert store.delete_connector(organization_id=organization.id, connector_id=record.id)
    assert not store.delete_connector(organization_id=organization.id, connector_id=record.id)
    assert store.get_connector(organization_id=organization.id, connector_id=record.id) is None


def test_list_connectors_pages_by_id_when_given_after_id(store: Store, new_slug: NewSlug) -> None:
    organization = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    store.insert_connector(_connector(other))
    ids = [store.insert_connector(_connector(organization)).id for _ in range(5)]
    assert ids == sorted(ids)

    def page(after_id: str | None, *, descending: bool = False) -> list[str]:
        records = store.list_connectors(
            organization_id=organization.id, limit=2, after_id=after_id, descending=descending
        )
        return [record.id for record in records]

    assert page(None) == ids[0:2]
    assert page(ids[1]) == ids[2:4]
    assert page(ids[3]) == ids[4:]
    assert page(ids[4]) == []
    assert page(None, descending=True) == [ids[4], ids[3]]
    assert page(ids[3], descending=True) == [ids[2], ids[1]]


def test_list_connectors_filters_when_given_provider_and_type(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    wanted = store.insert_connector(_connector(organization, provider="hubspot", type="source"))
    store.insert_connector(_connector(organization, provider="hubspot", type="destination"))
    store.insert_connector(_connector(organization, provider="pipedrive", type="source"))

    found = store.list_connectors(
        organization_id=organization.id, limit=10, provider="hubspot", type="source"
    )

    assert found == [wanted]


def test_timestamps_round_trip_exactly_when_stored_with_microseconds(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    paris = timezone(timedelta(hours=2))
    written = datetime(2024, 5, 17, 14, 3, 7, 123456, tzinfo=paris)

    inserted = store.insert_connector(
        _connector(organization, created_at=written, updated_at=written)
    )
    read = store.get_connector(organization_id=organization.id, connector_id=inserted.id)

    expected = datetime(2024, 5, 17, 12, 3, 7, 123000, tzinfo=UTC)
    assert inserted.created_at == inserted.updated_at == expected
    assert read is not None
    assert read == inserted
    assert read.created_at.tzinfo is UTC
    assert organization.created_at.microsecond % 1000 == 0


def test_json_members_round_trip_when_null_or_nested(store: Store, new_slug: NewSlug) -> None:
    organization = store.create_organization(slug=new_slug())
    nested = {"api_token": "t", "options": {"retries": 3, "tags": ["a", "b"]}, "flag": None}

    inserted = store.insert_connector(_connector(organization, fields=None, http=None, data=nested))
    read = store.get_connector(organization_id=organization.id, connector_id=inserted.id)

    assert read is not None
    assert (read.fields, read.http, read.data) == (None, None, nested)


def test_utc_now_has_millisecond_precision_when_called() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0


def test_new_id_sorts_by_creation_when_called_in_sequence() -> None:
    ids = [new_id("con") for _ in range(1000)]
    assert ids == sorted(ids)
    assert all(len(value) == len("con_") + 26 for value in ids)


def test_sqlite_connections_enforce_wal_and_foreign_keys_when_opened(tmp_path: Path) -> None:
    # Always on a SQLite file of its own: the pragmas are SQLite's, whatever DATABASE_URL says.
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # A locked file is a prompt 503 (CONNECTORS_SQLITE_BUSY_TIMEOUT_SECONDS), not a 5 s wait.
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1000
    engine.dispose()


def test_create_api_key_raises_when_organization_is_unknown(store: Store) -> None:
    with pytest.raises(UnknownOrganization):
        store.create_api_key(organization_id="org_unknown")


def test_rewrite_connector_writes_the_new_version_when_nobody_wrote_between(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    original = store.insert_connector(_connector(organization))
    seen: list[ConnectorRecord] = []

    def rename(current: ConnectorRecord) -> ConnectorRecord:
        seen.append(current)
        return dataclasses.replace(current, name="Renamed", version=2, updated_at=utc_now())

    outcome = store.rewrite_connector(
        rename, organization_id=organization.id, connector_id=original.id
    )

    assert outcome is Rewrite.DONE
    assert seen == [original]
    stored = store.get_connector(organization_id=organization.id, connector_id=original.id)
    assert stored is not None
    assert (stored.name, stored.version) == ("Renamed", 2)


def test_rewrite_connector_writes_nothing_when_stale_or_asked_not_to(
    store: Store, new_slug: NewSlug
) -> None:
    organization = store.create_organization(slug=new_slug())
    original = store.insert_connector(_connector(organization, service_name="pipedrive"))

    def overtaken(current: ConnectorRecord) -> ConnectorRecord:
        # Another writer gets in between this read and this write.
        store.replace_connector(
            dataclasses.replace(current, name="Other", version=2), expected_version=1
        )
        return dataclasses.replace(current, name="Mine", version=2)

    by_name = {"organization_id": organization.id, "service_name": "pipedrive"}
    assert store.rewrite_connector(overtaken, **by_name) is Rewrite.STALE
    assert store.rewrite_connector(lambda current: None, **by_name) is Rewrite.DONE
    stored = store.get_connector(organization_id=organization.id, connector_id=original.id)
    assert stored is not None
    assert (stored.name, stored.version) == ("Other", 2)


def test_rewrite_connector_finds_nothing_when_connector_belongs_to_another_org(
    store: Store, new_slug: NewSlug
) -> None:
    owner = store.create_organization(slug=new_slug())
    other = store.create_organization(slug=new_slug())
    original = store.insert_connector(_connector(owner))

    def never(current: ConnectorRecord) -> ConnectorRecord:
        raise AssertionError("rewrite called for another organization's connector")

    outcome = store.rewrite_connector(never, organization_id=other.id, connector_id=original.id)
    assert outcome is Rewrite.NOT_FOUND
