"""The command line: `python -m connectors_service orgs|keys|serve …`."""

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from connectors_service.db import Timeouts, create_engine_from_url, create_schema
from connectors_service.settings import Settings
from connectors_service.store import SCOPES, ApiKeyInfo, Organization, Store, StoreError, utc_now

__all__ = ["build_parser", "main"]

_USAGE_ERROR = 2
# The app module is imported by uvicorn, in each worker process, only when serving.
_APP_FACTORY = "connectors_service.app:create_served_app"


class CommandError(Exception):
    """A failure reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block before the error; one line keeps errors uniform.
    def error(self, message: str) -> NoReturn:
        self.exit(_USAGE_ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of every subcommand."""
    parser = _Parser(prog="python -m connectors_service", description=__doc__)
    groups = parser.add_subparsers(
        dest="group", metavar="command", required=True, parser_class=_Parser
    )

    orgs = groups.add_parser("orgs", help="manage organizations").add_subparsers(
        dest="action", metavar="action", required=True, parser_class=_Parser
    )
    create_org = orgs.add_parser("create", help="create an organization")
    create_org.add_argument("--slug", required=True)
    create_org.add_argument("--name")
    create_org.set_defaults(handler=_create_org)
    orgs.add_parser("list", help="list organizations").set_defaults(handler=_list_orgs)
    revoke_org = orgs.add_parser(
        "revoke", help="revoke every active key of an organization (its data is kept)"
    )
    revoke_org.add_argument("--org", required=True, help="organization slug")
    revoke_org.set_defaults(handler=_revoke_org)

    keys = groups.add_parser("keys", help="manage API keys").add_subparsers(
        dest="action", metavar="action", required=True, parser_class=_Parser
    )
    create_key = keys.add_parser("create", help="create a key (and its organization if new)")
    create_key.add_argument("--org", required=True, help="organization slug")
    create_key.add_argument("--scopes", default=",".join(SCOPES), help="comma-separated")
    create_key.set_defaults(handler=_create_key)
    list_keys = keys.add_parser("list", help="list keys")
    list_keys.add_argument("--org", help="organization slug")
    list_keys.set_defaults(handler=_list_keys)
    revoke_key = keys.add_parser("revoke", help="revoke a key")
    revoke_key.add_argument("key_id")
    revoke_key.set_defaults(handler=_revoke_key)

    idempotency = groups.add_parser(
        "idempotency", help="manage Idempotency-Key records"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    idempotency.add_parser("purge", help="delete records older than 24 hours").set_defaults(
        handler=_purge_idempotency
    )

    serve = groups.add_parser("serve", help="run the reference service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], None] = args.handler
    try:
        handler(args, Settings())
    except (CommandError, StoreError, ValueError) as error:
        return _fail(str(error))
    except SQLAlchemyError as error:
        # Driver messages span lines and embed SQL; the first line of the cause is enough.
        cause = error.orig if isinstance(error, DBAPIError) else error
        first_line = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        return _fail(f"database error: {first_line}")
    return 0


def _fail(message: str) -> int:
    # Some messages (pydantic's, for a bad CONNECTORS_* variable) span lines: fold them.
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return _USAGE_ERROR


@contextmanager
def _open_store(settings: Settings) -> Iterator[Store]:
    engine = create_engine_from_url(settings.database_url, Timeouts.from_settings(settings))
    try:
        # Admin commands may be the first thing run against a new database.
        create_schema(engine)
        yield Store(engine)
    finally:
        # Closes pooled connections now rather than in a garbage-collector warning.
        engine.dispose()


def _find_org(store: Store, slug: str) -> Organization:
    organization = store.get_organization(slug)
    if organization is None:
        raise CommandError(f"unknown organization {slug!r}")
    return organization


def _create_org(args: argparse.Namespace, settings: Settings) -> None:
    with _open_store(settings) as store:
        organization = store.create_organization(slug=args.slug, name=args.name)
    print(_describe_org(organization))


def _list_orgs(_args: argparse.Namespace, settings: Settings) -> None:
    with _open_store(settings) as store:
        organizations = store.list_organizations()
    print("ID\tSLUG\tTEAM\tNAME")
    for organization in organizations:
        print(
            f"{organization.id}\t{organization.slug}\t{organization.team_number}\t{organization.name}"
        )


def _revoke_org(args: argparse.Namespace, settings: Settings) -> None:
    # Keys only: the organization and its connectors stay, so new keys can restore access.
    with _open_store(settings) as store:
        organization = _find_org(store, args.org)
        revoked = store.revoke_organization_keys(organization.id)
    print(f"revoked {revoked} key(s) of organization {organization.slug}")


def _create_key(args: argparse.Namespace, settings: Settings) -> None:
    scopes = tuple(scope.strip() for scope in args.scopes.split(",") if scope.strip())
    unknown = sorted(set(scopes) - set(SCOPES))
    # Checked before anything is written, so a typo does not leave a new organization behind.
    if unknown or not scopes:
        raise CommandError(f"--scopes takes a comma-separated subset of {','.join(SCOPES)}")
    with _open_store(settings) as store:
        organization = store.get_organization(args.org)
        if organization is None:
            organization = store.create_organization(slug=args.org)
        info, plaintext = store.create_api_key(organization_id=organization.id, scopes=scopes)
    print(
        f"organization {organization.slug} ({organization.id}, team {organization.team_number}):"
        f" key {info.id} scopes {','.join(info.scopes)}"
    )
    # Last line alone, so scripts can take it with `tail -n1`; it is never shown again.
    print(plaintext)


def _list_keys(args: argparse.Namespace, settings: Settings) -> None:
    with _open_store(settings) as store:
        organization_id = None if args.org is None else _find_org(store, args.org).id
        keys = store.list_api_keys(organization_id=organization_id)
    print("ID\tORGANIZATION\tPRINCIPAL\tPREFIX\tSCOPES\tCREATED\tREVOKED")
    for key in keys:
        print(_describe_key(key))


def _revoke_key(args: argparse.Namespace, settings: Settings) -> None:
    with _open_store(settings) as store:
        revoked = store.revoke_api_key(args.key_id)
    if not revoked:
        raise CommandError(f"no active key {args.key_id!r}")
    print(f"revoked {args.key_id}")


def _purge_idempotency(_args: argparse.Namespace, settings: Settings) -> None:
    # Expired records are also replaced when their key comes back; purging keeps the table small.
    with _open_store(settings) as store:
        removed = store.purge_idempotent(now=utc_now())
    print(f"removed {removed} expired idempotency record(s)")


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    # Imported here: the other commands should not pay for importing the ASGI server.
    import uvicorn

    # The first start creates the SQLite file and its tables before any worker opens them.
    engine = create_engine_from_url(settings.database_url, Timeouts.from_settings(settings))
    try:
        create_schema(engine)
    finally:
        engine.dispose()
    uvicorn.run(
        _APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        # The service writes its own access line (JSON, with the request id); uvicorn's would
        # repeat it and print query strings, which may carry secrets.
        access_log=False,
    )


def _describe_org(organization: Organization) -> str:
    return (
        f"organization {organization.slug} ({organization.id}, team {organization.team_number})"
        f" name {organization.name!r}"
    )


def _describe_key(key: ApiKeyInfo) -> str:
    revoked = "-" if key.revoked_at is None else key.revoked_at.isoformat()
    return "\t".join(
        (
            key.id,
            key.organization_id,
            key.principal_id,
            key.prefix,
            ",".join(key.scopes),
            key.created_at.isoformat(),
            revoked,
        )
    )
