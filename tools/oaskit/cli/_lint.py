"""`oaskit lint`: validate specs and run the lint rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oaskit.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Output,
    configured_apis,
    load_project,
    print_finding,
    ref_roots,
    relative,
    wants_colour,
)
from oaskit.config import LintConfig, find_project, load_config
from oaskit.errors import Finding, Level, SpecInputError

__all__ = ["add_parser", "run"]

# What each code of unusable input says is wrong, for formats that describe every code (SARIF).
_INPUT_CODES = {
    "config-invalid": "The [tool.oaskit] configuration in pyproject.toml is valid.",
    "input-not-openapi": "The file is an OpenAPI document.",
    "input-not-supported": "The document is OpenAPI 3.0 or 3.1.",
    "input-syntax": "The file is valid YAML or JSON.",
    "input-unreadable": "The file exists and can be read as UTF-8.",
    "input-too-large": "The file is within oaskit's size, alias and number limits.",
    "input-too-deep": "The document nests at most 128 levels.",
    "ref-outside-root": "Every $ref stays inside the spec's folder or a ref-root.",
    "ref-remote": "No $ref names a URL.",
}


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
        help="output format (text: colour on a terminal, or with FORCE_COLOR; never with NO_COLOR)",
    )
    lint.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit lint` as `args` say; the exit code."""
    from oaskit.lint import CHECKS, check_config, lint_spec, render, selected_rules

    output = Output.of(args)
    root = Path.cwd()
    # An input error (a spec that cannot be read, a bad config) is a finding too: a machine
    # format still gets a document that says what failed, never an empty stdout.
    unusable: list[Finding] = []
    findings: list[Finding] = []
    specs: list[Path] = []
    settings = LintConfig()
    roots: tuple[Path, ...] = ()
    try:
        root, specs, settings, roots = _targets(args.specs, output)
    except SpecInputError as exc:
        unusable.append(exc.finding)
    if not unusable:
        try:
            check_config(settings)
        except SpecInputError as exc:
            unusable.append(exc.finding)
    if not unusable:
        for spec in specs:
            output.detail(f"lint: reading {relative(spec, root)}")
            try:
                findings.extend(lint_spec(spec, config=settings, ref_roots=roots))
            except SpecInputError as exc:
                # The other specs are still linted: one unreadable file hides no finding.
                unusable.append(exc.finding)
    rules = [(code, _INPUT_CODES.get(code, code), Level.ERROR) for code in _codes(unusable)]
    if len(unusable) < len(specs):
        # The checks and rules that ran: none did when no spec could be read.
        rules += [(name, text, Level.ERROR) for name, text in CHECKS.items()]
        rules += [
            (r.name, r.description, settings.severity.get(r.name) or r.level)
            for r in selected_rules(settings)
        ]
    if args.format == "text":
        # Kept to one located line on stderr each, as every command reports unusable input.
        for finding in unusable:
            print_finding(finding, root=root, stream=sys.stderr)
        shown = findings
    else:
        shown = sorted([*unusable, *findings], key=lambda f: (f.location, f.code, f.message))
    colour = args.format == "text" and wants_colour(sys.stdout)
    sys.stdout.write(render(shown, format=args.format, root=root, rules=rules, colour=colour))
    errors = sum(f.level is Level.ERROR for f in findings)
    if args.format == "text" and len(unusable) < len(specs):
        summary = (
            f"lint: {len(specs)} spec(s), {errors} error(s), "
            f"{len(findings) - errors} other finding(s)"
        )
        output.status(summary + (f", {len(unusable)} unusable" if unusable else ""))
    if unusable:
        return EXIT_USAGE
    return EXIT_FINDINGS if errors else EXIT_OK


def _codes(findings: list[Finding]) -> list[str]:
    return sorted({finding.code for finding in findings})


def _targets(
    named: list[Path], output: Output
) -> tuple[Path, list[Path], LintConfig, tuple[Path, ...]]:
    """The folder paths are shown relative to, the specs, the lint settings and the ref-roots."""
    root = Path.cwd()
    if named:
        # Explicit specs still follow the project's lint settings, as ruff does.
        found = find_project(root)
        if found is None:
            return root, list(named), LintConfig(), ()
        output.detail(f"config: {relative(found / 'pyproject.toml', root)}")
        project = load_config(found)
        return root, list(named), project.lint, ref_roots(project)
    project = load_project(output)
    specs = [project.root / api.spec for api in configured_apis(project)]
    return project.root, specs, project.lint, ref_roots(project)
