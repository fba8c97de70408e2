"""Exceptions the store raises for conflicts a caller can report."""

# The conflict names read as facts ("DuplicateServiceName") and are the names the routes
# catch; an `Error` suffix would add nothing, hence the N818 exemptions.


class StoreError(Exception):
    """Base class of the store's own errors."""


class DuplicateOrganization(StoreError):  # noqa: N818
    """An organization with this slug already exists."""


class UnknownOrganization(StoreError):  # noqa: N818
    """No organization has this id."""


class DuplicateServiceName(StoreError):  # noqa: N818
    """The organization already has a connector with this service name."""


class StoreUnavailable(StoreError):  # noqa: N818
    """The database did not serve the call: unreachable, locked, or too slow to answer.

    Raised from the driver's operational error (kept as `__cause__`); a retry may succeed
    once the database is back. The message names the error's class only: the driver's text
    may quote the statement's values.
    """
