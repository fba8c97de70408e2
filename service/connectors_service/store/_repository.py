"""The store: a short transaction per method (none for per-request reads), records in and out."""

import copy
import dataclasses
import enum
import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any, TypeVar

from psycopg.errors import UniqueViolation
from sqlalchemy import Engine, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors_service.store import _idempotency, _listing
from connectors_service.store._clock import new_id, to_utc_ms, utc_now
from connectors_service.store._errors import (
    DuplicateOrganization,
    DuplicateServiceName,
    UnknownOrganization,
)
from connectors_service.store._idempotency import (
    IDEMPOTENCY_LEASE,
    IDEMPOTENCY_TTL,
    IdempotencyOutcome,
)
from connectors_service.store._outage import outages_unavailable
from connectors_service.store._per_request import CoreRunner, Run, Runner
from connectors_service.store._psycopg import PsycopgRunner
from connectors_service.store._records import ApiKeyInfo, ConnectorRecord, Organization, Principal
from connectors_service.store._statements import (
    JSON_COLUMNS,
    MUTABLE_COLUMNS,
    PRINCIPAL_BY_KEY_HASH,
    connector_by,
    update_parameters,
)
from connectors_service.store._tables import ApiKeyRow, ConnectorRow, OrganizationRow

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)

SCOPES: tuple[str, ...] = ("connectors:read", "connectors:write")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_KEY_PREFIX = "ck_"
_DISPLAY_PREFIX_LENGTH = 12
# Retried on a unique violation of team_number, which the allocation below should prevent.
_TEAM_NUMBER_ATTEMPTS = 5
# Any fixed 64-bit number, private to this application, names the advisory lock.
_TEAM_NUMBER_LOCK = 0x636F6E6E5F746E


class Rewrite(enum.Enum):
    """What `Store.rewrite_connector` found."""

    DONE = "done"
    NOT_FOUND = "not found"
    STALE = "stale"


def _outages_unavailable(cls: _C) -> _C:
    # Every public method, so that no caller (the auth lookup, idempotency, admin commands)
    # sees a driver's operational error instead of `StoreUnavailable`.
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, outages_unavailable(member))
    return cls


@_outages_unavailable
class Store:
    """Organizations, API keys and connectors over one SQLAlchemy engine.

    A database that is unreachable, locked or too slow raises `StoreUnavailable` from any
    method; other database errors propagate as SQLAlchemy or the driver raised them.
    """

    def __init__(self, engine: Engine, *, idempotency_lease: timedelta = IDEMPOTENCY_LEASE) -> None:
        if idempotency_lease <= timedelta(0):
            raise ValueError(f"idempotency_lease must be positive, got {idempotency_lease}")
        self._engine = engine
        self._idempotency_lease = idempotency_lease
        # SQLite lets one connection write at a time, and a connection that finds the file
        # locked sleeps in SQLite's busy handler (1, 2, 5, … up to 100 ms between tries)
        # however soon the lock is free. This process's writers queue here instead, so only
        # writers of other processes ever meet that sleep. PostgreSQL locks rows: no queue.
        self._sqlite_writes = threading.Lock() if engine.dialect.name == "sqlite" else None
        # The statements every request runs (`_per_request`): on PostgreSQL in autocommit,
        # each its own transaction, which saves a read's BEGIN and ROLLBACK and lets a PUT
        # read and then update conditionally in two round trips; pysqlite sends no BEGIN
        # before a SELECT anyway.
        self._runner: Runner = (
            PsycopgRunner(engine) if engine.dialect.name == "postgresql" else CoreRunner(engine)
        )
        # expire_on_commit=False: rows are turned into records after commit, without reloads.
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        """Close the pooled connections; the store opens new ones if it is used again."""
        self._engine.dispose()

    # Organizations

    def create_organization(self, *, slug: str, name: str | None = None) -> Organization:
        """Create an organization with the next team number; `DuplicateOrganization` if taken."""
        if not _SLUG.fullmatch(slug):
            raise ValueError(f"slug must match {_SLUG.pattern}, got {slug!r}")
        for _attempt in range(_TEAM_NUMBER_ATTEMPTS):
            try:
                with self._sessions.begin() as session:
                    return _insert_organization(session, slug=slug, name=name or slug)
            except IntegrityError:
                # The slug and the team number are both unique: only a taken slug is final.
                if self.get_organization(slug) is not None:
                    raise DuplicateOrganization(f"organization {slug!r} already exists") from None
        raise RuntimeError(f"no free team number after {_TEAM_NUMBER_ATTEMPTS} attempts")

    def get_organization(self, slug: str) -> Organization | None:
        """Return the organization with this slug, or None."""
        with self._sessions() as session:
            row = session.scalars(select(OrganizationRow).filter_by(slug=slug)).one_or_none()
            return None if row is None else _organization(row)

    def list_organizations(self) -> list[Organization]:
        """Return every organization in creation order."""
        with self._sessions() as session:
            rows = session.scalars(select(OrganizationRow).order_by(OrganizationRow.team_number))
            return [_organization(row) for row in rows]

    # API keys

    def create_api_key(
        self, *, organization_id: str, scopes: Iterable[str] = SCOPES
    ) -> tuple[ApiKeyInfo, str]:
        """Create a key for an organization; return its info and the plaintext, shown once."""
        scope_list = tuple(dict.fromkeys(scopes))
        unknown = [scope for scope in scope_list if scope not in SCOPES]
        if unknown or not scope_list:
            raise ValueError(f"scopes must be a non-empty subset of {SCOPES}, got {scope_list}")
        plaintext = _KEY_PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            if session.get(OrganizationRow, organization_id) is None:
                raise UnknownOrganization(f"unknown organization id {organization_id!r}")
            row = ApiKeyRow(
                id=new_id("key"),
                organization_id=organization_id,
                principal_id=new_id("prn"),
                prefix=plaintext[:_DISPLAY_PREFIX_LENGTH],
                key_hash=_hash_key(plaintext),
                scopes=" ".join(scope_list),
                created_at=utc_now(),
                revoked_at=None,
            )
            session.add(row)
            session.flush()
            return _api_key_info(row), plaintext

    def list_api_keys(self, *, organization_id: str | None = None) -> list[ApiKeyInfo]:
        """Return the keys, revoked ones included, of one organization or of all."""
        query = select(ApiKeyRow).order_by(ApiKeyRow.id)
        if organization_id is not None:
            query = query.filter_by(organization_id=organization_id)
        with self._sessions() as session:
            return [_api_key_info(row) for row in session.scalars(query)]

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a key; False when it is unknown or already revoked."""
        with self._sessions.begin() as session:
            # The session's Core connection: its result is typed with `rowcount`.
            result = session.connection().execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )
            return result.rowcount == 1

    def revoke_organization_keys(self, organization_id: str) -> int:
        """Revoke every active key of an organization; return how many were revoked."""
        # One UPDATE: a key created concurrently is either revoked here or created after it.
        with self._sessions.begin() as session:
            result = session.connection().execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.organization_id == organization_id, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )
            return result.rowcount

    def resolve_api_key(self, plaintext: str) -> Principal | None:
        """Return the principal of a valid key, or None for an unknown or revoked one."""
        if not plaintext.startswith(_KEY_PREFIX):
            return None
        # The key is 256 random bits, so a fast unsalted sha256 cannot be brute-forced and an
        # equality lookup on the unique hash index replaces a constant-time comparison: the
        # timing of the lookup leaks nothing about a key that nobody can guess.
        with self._runner.run() as run:
            found = run.one(PRINCIPAL_BY_KEY_HASH, {"key_hash": _hash_key(plaintext)})
        if found is None:
            return None
        return Principal(
            organization_id=found.organization_id,
            principal_id=found.principal_id,
            team_number=found.team_number,
            scopes=frozenset(found.scopes.split()),
        )

    # Connectors

    def insert_connector(self, record: ConnectorRecord) -> ConnectorRecord:
        """Insert a new connector; `DuplicateServiceName` when the organization has its name."""
        try:
            with self._sessions.begin() as session:
                row = ConnectorRow(id=record.id, organization_id=record.organization_id)
                _copy_into(row, record)
                row.created_at = record.created_at
                row.created_by = record.created_by
                session.add(row)
                session.flush()
                return _connector(row)
        except IntegrityError:
            # The same error class covers a reused id or an unknown organization; only a
            # service name that is now present is the caller's 409.
            if record.service_name is not None and (
                self.get_connector_by_service_name(
                    organization_id=record.organization_id, service_name=record.service_name
                )
                is not None
            ):
                raise DuplicateServiceName(_duplicate(record.service_name)) from None
            raise

    def get_connector(self, *, organization_id: str, connector_id: str) -> ConnectorRecord | None:
        """Return the organization's connector with this id, or None."""
        return self._one_connector(organization_id=organization_id, connector_id=connector_id)

    def get_connector_by_service_name(
        self, *, organization_id: str, service_name: str
    ) -> ConnectorRecord | None:
        """Return the organization's connector with this service name, or None."""
        return self._one_connector(organization_id=organization_id, service_name=service_name)

    def replace_connector(
        self, record: ConnectorRecord, *, expected_version: int
    ) -> ConnectorRecord | None:
        """Overwrite a connector if it still has `expected_version`; None when no row matched."""
        with self._runner.run() as run, self._writing():
            written = _update_if_version(run, record, expected_version=expected_version)
        return _as_written(record) if written else None

    def rewrite_connector(
        self,
        rewrite: Callable[[ConnectorRecord], ConnectorRecord | None],
        *,
        organization_id: str,
        connector_id: str | None = None,
        service_name: str | None = None,
    ) -> Rewrite:
        """Read the organization's connector (by id or service name), write `rewrite(current)`.

        One transaction on one pooled connection, so the caller's read-modify-write is one
        thread-pool hop and one connection check-out: the read, then, when `rewrite` returns a
        record, the UPDATE `replace_connector` makes, conditional on the version read.
        `rewrite` returning None writes nothing; an exception from it rolls back and
        propagates. `Rewrite.STALE`: another writer changed the row after the read, and
        nothing was written.
        """
        if _unstorable(connector_id, service_name):
            return Rewrite.NOT_FOUND
        statement, parameters = connector_by(
            organization_id=organization_id, connector_id=connector_id, service_name=service_name
        )
        # The read and the conditional UPDATE need no transaction around both: the UPDATE
        # alone carries the optimistic check. On PostgreSQL each runs in autocommit, so a PUT
        # takes two round trips instead of four (BEGIN, SELECT, UPDATE, COMMIT).
        with self._runner.run() as run:
            row = run.one(statement, parameters)
            if row is None:
                return Rewrite.NOT_FOUND
            current = _connector(row, copy_json=False)
            # PostgreSQL's UPDATE checks the version on the newest committed row, and pysqlite
            # issues BEGIN only before the UPDATE, so on either backend a write made between
            # the read and the UPDATE makes it match no row.
            replacement = rewrite(current)
            if replacement is None:
                return Rewrite.DONE
            with self._writing():
                written = _update_if_version(run, replacement, expected_version=current.version)
        return Rewrite.DONE if written else Rewrite.STALE

    def delete_connector(self, *, organization_id: str, connector_id: str) -> bool:
        """Delete the organization's connector; False when there was none."""
        if _unstorable(connector_id):
            return False
        with self._sessions.begin() as session:
            row = session.scalars(
                select(ConnectorRow).filter_by(id=connector_id, organization_id=organization_id)
            ).one_or_none()
            if row is None:
                return False
            session.delete(row)
            return True

    def list_connectors(
        self,
        *,
        organization_id: str,
        limit: int,
        after_id: str | None = None,
        descending: bool = False,
        provider: str | None = None,
        type: str | None = None,
    ) -> list[ConnectorRecord]:
        """Return up to `limit` connectors ordered by id, strictly after `after_id`."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if _unstorable(after_id, provider, type):
            return []
        # Keyset pagination: a page starts after the last id seen, so rows inserted or deleted
        # meanwhile never shift a page the way OFFSET would.
        query = select(ConnectorRow).filter_by(organization_id=organization_id)
        if after_id is not None:
            query = query.where(
                ConnectorRow.id < after_id if descending else ConnectorRow.id > after_id
            )
        if provider is not None:
            query = query.filter_by(provider=provider)
        if type is not None:
            query = query.filter_by(type=type)
        order = ConnectorRow.id.desc() if descending else ConnectorRow.id.asc()
        with self._sessions() as session:
            rows = session.scalars(query.order_by(order).limit(limit))
            return [_connector(row) for row in rows]

    # Idempotency keys

    def begin_idempotent(
        self,
        *,
        organization_id: str,
        method: str,
        path: str,
        key: str,
        request_hash: str,
        now: datetime,
        ttl: timedelta = IDEMPOTENCY_TTL,
        lease: timedelta | None = None,
    ) -> IdempotencyOutcome:
        """Claim an Idempotency-Key: `Started`, or `Replay`, `InFlight`, `Reused` if it is held.

        A record whose `expires_at` is at or before `now` counts as absent and is replaced, and
        so does one still in flight after its lease (the store's `idempotency_lease` unless
        `lease` is given): the process that ran it is taken to have died. Safe across
        processes: the primary key lets exactly one concurrent claim start.
        """
        where = _idempotency.primary_key(
            organization_id=organization_id, method=method, path=path, key=key
        )
        return _idempotency.begin(
            self._sessions,
            where,
            request_hash=request_hash,
            now=now,
            ttl=ttl,
            lease=self._idempotency_lease if lease is None else lease,
        )

    def idempotency_key_held(
        self, *, organization_id: str, method: str, path: str, key: str, now: datetime
    ) -> bool:
        """Whether an unexpired record holds the key, without claiming it."""
        where = _idempotency.primary_key(
            organization_id=organization_id, method=method, path=path, key=key
        )
        return _idempotency.held(self._sessions, where, now=now)

    def finish_idempotent(
        self,
        *,
        organization_id: str,
        method: str,
        path: str,
        key: str,
        status_code: int,
        headers: Mapping[str, str],
        body: str,
        started_at: datetime | None = None,
    ) -> None:
        """Store the response of a started request, for replays until the record expires.

        `started_at` (`Started.started_at`) makes sure the record is still this request's:
        after its lease another request may have taken the key over.
        """
        where = _idempotency.primary_key(
            organization_id=organization_id, method=method, path=path, key=key
        )
        _idempotency.finish(
            self._sessions,
            where,
            status_code=status_code,
            headers=headers,
            body=body,
            started_at=started_at,
        )

    def abandon_idempotent(
        self,
        *,
        organization_id: str,
        method: str,
        path: str,
        key: str,
        started_at: datetime | None = None,
    ) -> None:
        """Release a started request's key without a response, so the client may retry.

        `started_at` as for `finish_idempotent`.
        """
        where = _idempotency.primary_key(
            organization_id=organization_id, method=method, path=path, key=key
        )
        _idempotency.abandon(self._sessions, where, started_at=started_at)

    def purge_idempotent(self, *, now: datetime) -> int:
        """Delete the idempotency records expired at `now`; return how many were deleted."""
        return _idempotency.purge(self._sessions, now=now)

    def _writing(self) -> AbstractContextManager[object]:
        # Taken after the connection is checked out, and held until the commit that ends the
        # SQLite write lock; a holder never waits for the pool, so the two cannot deadlock.
        return self._sqlite_writes if self._sqlite_writes is not None else nullcontext()

    def _one_connector(
        self,
        *,
        organization_id: str,
        connector_id: str | None = None,
        service_name: str | None = None,
    ) -> ConnectorRecord | None:
        if _unstorable(connector_id, service_name):
            return None
        statement, parameters = connector_by(
            organization_id=organization_id, connector_id=connector_id, service_name=service_name
        )
        with self._runner.run() as run:
            row = run.one(statement, parameters)
        return None if row is None else _connector(row, copy_json=False)

    # Numbered pages (Census and Supermetrics)

    def count_connectors(self, *, organization_id: str, with_service_name: bool = False) -> int:
        """How many connectors the organization has (only those with a service name, if asked)."""
        return _listing.count_connectors(
            self._sessions, organization_id=organization_id, with_service_name=with_service_name
        )

    def list_connectors_offset(
        self,
        *,
        organization_id: str,
        offset: int,
        limit: int,
        descending: bool = False,
        with_service_name: bool = False,
    ) -> list[ConnectorRecord]:
        """One numbered page of the organization's connectors, in creation order."""
        return _listing.list_connectors_offset(
            self._sessions,
            organization_id=organization_id,
            offset=offset,
            limit=limit,
            descending=descending,
            with_service_name=with_service_name,
            to_record=_connector,
        )


def _insert_organization(session: Session, *, slug: str, name: str) -> Organization:
    if session.get_bind().dialect.name == "postgresql":
        # Under READ COMMITTED two creators would read the same max and one would fail;
        # a transaction-scoped advisory lock queues them instead of burning retries.
        session.execute(select(func.pg_advisory_xact_lock(_TEAM_NUMBER_LOCK)))
    # max + 1 inside the INSERT itself: SQLite takes its write lock before running the
    # statement, so this is atomic there; on PostgreSQL the lock above makes it so.
    next_number = select(
        func.coalesce(func.max(OrganizationRow.team_number), 0) + 1
    ).scalar_subquery()
    organization_id = new_id("org")
    session.execute(
        insert(OrganizationRow).values(
            id=organization_id,
            slug=slug,
            name=name,
            team_number=next_number,
            created_at=utc_now(),
        )
    )
    return _organization(session.get_one(OrganizationRow, organization_id))


def _update_if_version(run: Run, record: ConnectorRecord, *, expected_version: int) -> bool:
    # Optimistic concurrency: the version check and the write are one UPDATE, so two
    # writers that read the same version cannot both succeed (DOMAIN: If-Match).
    parameters = update_parameters(
        _mutable_columns(record, copy_json=False),
        connector_id=record.id,
        organization_id=record.organization_id,
        expected_version=expected_version,
    )
    try:
        return run.update_if_version(parameters)
    except (IntegrityError, UniqueViolation):
        if record.service_name is not None:
            raise DuplicateServiceName(_duplicate(record.service_name)) from None
        raise


def _as_written(record: ConnectorRecord) -> ConnectorRecord:
    # What was written is what a read would return (timestamps are stored at ms precision):
    # no second round trip to read the row back.
    return dataclasses.replace(
        record, created_at=to_utc_ms(record.created_at), updated_at=to_utc_ms(record.updated_at)
    )


def _unstorable(*values: str | None) -> bool:
    """Whether a value holds U+0000, which no stored text can (PostgreSQL refuses it in text).

    A lookup by such a value finds nothing, as it would for any name never stored, instead of
    the database's DataError; the domain refuses such text in a body (`NUL_CHARACTER`).
    """
    return any(value is not None and "\x00" in value for value in values)


def _duplicate(service_name: str) -> str:
    return f"a connector with service name {service_name!r} already exists"


def _hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _mutable_columns(record: ConnectorRecord, *, copy_json: bool = True) -> dict[str, Any]:
    values = {column: getattr(record, column) for column in MUTABLE_COLUMNS}
    values["updated_at"] = to_utc_ms(record.updated_at)
    if copy_json:
        # Copies keep an ORM row from sharing the record's dicts; a Core or psycopg statement
        # serializes the values as it runs and needs none.
        for column in JSON_COLUMNS:
            values[column] = copy.deepcopy(values[column])
    return values


def _copy_into(row: ConnectorRow, record: ConnectorRecord) -> None:
    for column, value in _mutable_columns(record).items():
        setattr(row, column, value)


def _organization(row: OrganizationRow) -> Organization:
    return Organization(
        id=row.id,
        slug=row.slug,
        name=row.name,
        team_number=row.team_number,
        created_at=to_utc_ms(row.created_at),
    )


def _api_key_info(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        organization_id=row.organization_id,
        principal_id=row.principal_id,
        prefix=row.prefix,
        scopes=tuple(row.scopes.split()),
        created_at=to_utc_ms(row.created_at),
        revoked_at=None if row.revoked_at is None else to_utc_ms(row.revoked_at),
    )


def _connector(row: ConnectorRow | Row[Any], *, copy_json: bool = True) -> ConnectorRecord:
    # Deep copies: a caller mutating a record's dicts must not reach a live ORM row. A Core
    # row's JSON values were just decoded for this call alone, so they need none.
    json_value = copy.deepcopy if copy_json else _same
    return ConnectorRecord(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        description=row.description,
        provider=row.provider,
        type=row.type,
        service_name=row.service_name,
        icon_url=row.icon_url,
        fields=json_value(row.fields),
        http=json_value(row.http),
        data=json_value(row.data),
        version=row.version,
        created_at=to_utc_ms(row.created_at),
        created_by=row.created_by,
        updated_at=to_utc_ms(row.updated_at),
        updated_by=row.updated_by,
    )


def _same(value: _T) -> _T:
    return value
