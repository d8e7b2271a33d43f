"""``rehearse plugins``, ``rehearse analyzers`` and ``rehearse plugin new``: what is installed, and writing your own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from rehearse.cli.app import cli, plugins_dir_option
from rehearse.renderers.base import printable


@cli.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@plugins_dir_option
def plugins_command(as_json: bool) -> None:
    """List every plugin: where it comes from, its version, and what it registers.

    Built-in analyzers, renderers, diarizers and transcribers are plugins too, so
    they are listed alongside installed ones (entry points in the group
    'rehearse') and local files (--plugins-dir / REHEARSE_PLUGINS_DIR).
    """
    import json

    from rehearse import plugins

    found = plugins.describe()
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for plugin in found:
        version = f" {plugin['version']}" if plugin["version"] else ""
        click.echo(printable(f"{plugin['name']}{version}  ({plugin['source']})"))
        for kind, names in plugin["registers"].items():
            click.echo(printable(f"    {kind}: {', '.join(names)}"))


@cli.command(name="analyzers")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@plugins_dir_option
def analyzers_command(as_json: bool) -> None:
    """List the analyzers and their options (set them with --set ANALYZER.OPTION=VALUE)."""
    import json

    from rehearse import plugins
    from rehearse.analyzers.base import localized
    from rehearse.i18n import SUPPORTED, user_language

    registry = plugins.collect("register_analyzers")
    found: list[dict[str, Any]] = [
        {
            "name": name,
            "title": {lang: localized(analyzer.title, lang) for lang in SUPPORTED},
            "plugin": registry.owners[name],
            "options": [
                {
                    "name": o.name,
                    "type": type(o.default).__name__,
                    "default": o.default,
                    "minimum": o.minimum,
                    "maximum": o.maximum,
                    "help": o.help,
                }
                for o in analyzer.options
            ],
        }
        for name, analyzer in registry.items.items()
    ]
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    lang = user_language()
    for name, analyzer in registry.items.items():
        title = localized(analyzer.title, lang) or name
        click.echo(printable(f"{name}  — {title}  ({registry.owners[name]})"))
        for option in analyzer.options:
            accepted = f", {option.range_text}" if option.range_text else ""
            click.echo(
                f"    --set {name}.{option.name}=<{type(option.default).__name__}>"
                f"  (default {option.default}{accepted})"
            )
            click.echo(printable(f"        {option.help}"))


@cli.group()
def plugin() -> None:
    """Write your own plugin: see docs/plugins.md."""


@plugin.command()
@click.argument("package", metavar="rehearse-NAME")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the package folder.",
)
def new(package: str, directory: Path) -> None:
    """Create a working analyzer plugin package in ./rehearse-NAME/.

    \b
    It holds an analyzer named NAME (it counts words per speaker: replace that with
    your idea), a passing test, a README and a pyproject.toml with the entry point.
    \b
      rehearse plugin new rehearse-star
      cd rehearse-star && pip install -e ".[test]" && pytest
      rehearse analyze --transcript report.json      # your section is in the report
    """
    from rehearse import scaffold

    target = scaffold.create(package, directory)
    click.echo(f'Created {target}/ — next: cd {target} && pip install -e ".[test]" && pytest')
