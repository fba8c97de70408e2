"""Emitting: format generated sources, write only what changed, stamp what a regen did."""

from oaskit.emit._cache import Stamp, file_digest, read_stamp, stamp_is_current, write_stamp
from oaskit.emit._format import FormatError, format_tree
from oaskit.emit._write import GENERATED_MARK, SyncResult, is_generated, sync_tree

__all__ = [
    "GENERATED_MARK",
    "FormatError",
    "Stamp",
    "SyncResult",
    "file_digest",
    "format_tree",
    "is_generated",
    "read_stamp",
    "stamp_is_current",
    "sync_tree",
    "write_stamp",
]
