"""`oaskit rule NAME` and `oaskit rules`: what each lint rule and check does, like `ruff rule`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from oaskit.cli._common import EXIT_OK, UsageError, did_you_mean

if TYPE_CHECKING:
    from oaskit.lint import RuleDoc

__all__ = ["add_parser", "run_rule", "run_rules"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit rule` and `oaskit rules` and their options to `commands`."""
    rule = commands.add_parser(
        "rule", help="explain a lint rule or check: what it checks, why, its default, its peers"
    )
    rule.add_argument("name", help="the rule's name, as `oaskit rules` lists it")
    rule.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    rule.set_defaults(run=run_rule)
    rules = commands.add_parser(
        "rules", help="list every lint rule and check with its level and default"
    )
    rules.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    rules.set_defaults(run=run_rules)


def run_rule(args: argparse.Namespace) -> int:
    """Run `oaskit rule NAME` as `args` say; the exit code."""
    from oaskit.lint import all_rule_docs, explain

    doc = explain(args.name)
    if doc is None:
        known = [each.name for each in all_rule_docs()]
        raise UsageError(
            f"no lint rule or check is called {args.name!r}{did_you_mean(args.name, known)} "
            "(`oaskit rules` lists them)"
        )
    if args.format == "json":
        print(json.dumps(_payload(doc), indent=2))
    else:
        print(_explanation(doc), end="")
    return EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    """Run `oaskit rules` as `args` say; the exit code."""
    from oaskit.lint import all_rule_docs

    docs = all_rule_docs()
    if args.format == "json":
        print(json.dumps([_payload(doc) for doc in docs], indent=2))
    else:
        print(_table(docs), end="")
    return EXIT_OK


def _payload(doc: RuleDoc) -> dict[str, Any]:
    return {
        "name": doc.name,
        "kind": doc.kind,
        "level": doc.level.label,
        "default": doc.default,
        "description": doc.description,
        "explanation": doc.explanation,
        "peers": list(doc.peers),
    }


def _explanation(doc: RuleDoc) -> str:
    """`doc` as Markdown, the way `ruff rule` prints a rule."""
    if doc.kind == "check":
        state = "always (a check; `ignore` drops its findings)"
    elif doc.default:
        state = "yes (`ignore` turns it off)"
    else:
        state = "no (`extend-select` turns it on)"
    lines = [
        f"# {doc.name}",
        "",
        doc.description,
        "",
        f"- Kind: {doc.kind}",
        f"- Level: {doc.level.label}",
        f"- On by default: {state}",
        f"- Peers: {', '.join(doc.peers) if doc.peers else 'none'}",
    ]
    if doc.explanation:
        lines += ["", doc.explanation]
    return "\n".join(lines) + "\n"


def _table(docs: list[RuleDoc]) -> str:
    """One row per rule or check: name, level, default, description."""
    rows = [("NAME", "LEVEL", "DEFAULT", "DESCRIPTION")]
    rows += [(d.name, d.level.label, "on" if d.default else "off", d.description) for d in docs]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + f"  {row[3]}\n"
        for row in rows
    )
