"""The one error `oaskit fuzz` raises for problems with how it was asked to run."""

from __future__ import annotations


class FuzzUsageError(Exception):
    """The fuzz run cannot start: bad options, an unloadable spec or an unreachable server."""
