"""`oaskit lint`: structural validation plus house rules, findings at source locations."""

from oaskit.lint._lint import lint_spec
from oaskit.lint._registry import Rule, RuleRegistry, registry, rule

__all__ = ["Rule", "RuleRegistry", "lint_spec", "registry", "rule"]
