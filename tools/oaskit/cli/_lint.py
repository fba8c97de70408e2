"""`oaskit lint`: validate specs and run the lint rules."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from oaskit.cli._common import EXIT_FINDINGS, EXIT_OK, configured_apis, load_project
from oaskit.config import find_project, load_config
from oaskit.errors import Finding, Level

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit lint` and its options to `commands`."""
    lint = commands.add_parser("lint", help="validate specs and enforce the house rules")
    lint.add_argument(
        "specs", nargs="*", type=Path, help="root spec files (default: all configured)"
    )
    lint.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format (text: colour only on a terminal without NO_COLOR)",
    )
    lint.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit lint` as `args` say; the exit code."""
    from oaskit.config import LintConfig
    from oaskit.lint import CHECKS, lint_spec, render, selected_rules

    root = Path.cwd()
    if args.specs:
        specs = list(args.specs)
        # Explicit specs still follow the project's lint settings, as ruff does.
        found = find_project(root)
        settings = load_config(found).lint if found is not None else LintConfig()
    else:
        project = load_project()
        root = project.root
        specs = [project.root / api.spec for api in configured_apis(project)]
        settings = project.lint
    findings: list[Finding] = []
    for spec in specs:
        findings.extend(lint_spec(spec, config=settings))
    rules = [(name, text, Level.ERROR) for name, text in CHECKS.items()]
    rules += [
        (r.name, r.description, settings.severity.get(r.name) or r.level)
        for r in selected_rules(settings)
    ]
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(findings, format=args.format, root=root, rules=rules, colour=colour))
    if args.format == "text":
        errors = sum(f.level is Level.ERROR for f in findings)
        print(
            f"lint: {len(specs)} spec(s), {errors} error(s), "
            f"{len(findings) - errors} other finding(s)",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if any(f.level is Level.ERROR for f in findings) else EXIT_OK
