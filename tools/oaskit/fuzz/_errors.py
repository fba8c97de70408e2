"""The one error `oaskit fuzz` raises for problems with how it was asked to run."""

from __future__ import annotations


class FuzzUsageError(Exception):
    """The fuzz run cannot start: bad options, an unloadable spec or an unreachable server.

    `option` names the `FuzzOptions` field at fault and `value` the offending item, when one is;
    the command line uses them to point at a value that came from `[tool.oaskit.fuzz]`.
    """

    def __init__(self, message: str, *, option: str | None = None, value: str | None = None):
        super().__init__(message)
        self.option = option
        self.value = value
