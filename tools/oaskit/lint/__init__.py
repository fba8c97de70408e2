"""`oaskit lint`: structural validation plus house rules, findings at source locations."""

from oaskit.lint._docs import RuleDoc, all_rule_docs, explain
from oaskit.lint._lint import CHECKS, check_config, lint_spec, selected_rules
from oaskit.lint._registry import Rule, RuleRegistry, registry, rule
from oaskit.lint._report import FORMATS, render

__all__ = [
    "CHECKS",
    "FORMATS",
    "Rule",
    "RuleDoc",
    "RuleRegistry",
    "all_rule_docs",
    "check_config",
    "explain",
    "lint_spec",
    "registry",
    "render",
    "rule",
    "selected_rules",
]
