"""Emitting: format generated sources and write only what changed."""

from oaskit.emit._format import FormatError, format_tree
from oaskit.emit._write import GENERATED_MARK, SyncResult, sync_tree

__all__ = ["GENERATED_MARK", "FormatError", "SyncResult", "format_tree", "sync_tree"]
