"""Built-in lint rules; importing this package registers them."""

from oaskit.lint.rules import operations

__all__ = ["operations"]
