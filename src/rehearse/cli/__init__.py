"""The command line: the only package that talks to the user (Click and Rich only).

One module per command group; :func:`main` turns rehearse's errors into one line on stderr
and an exit status.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from rehearse.cli import analyze, batch, drill, evaluate, history, plugins, record, voice  # noqa: F401 - they add the commands
from rehearse.cli.app import EXIT_ERROR, cli
from rehearse.errors import RehearseError
from rehearse.i18n import tr, user_language
from rehearse.renderers.base import printable
from rehearse.transcription.runtimes import disable_telemetry

__all__ = ["cli", "main"]


def _take_plugins_dirs(args: list[str]) -> None:
    """Put every ``--plugins-dir DIR`` of the command line into REHEARSE_PLUGINS_DIR."""
    from rehearse.plugins import PLUGINS_DIR_VARIABLE

    dirs = [value for flag, value in zip(args, args[1:]) if flag == "--plugins-dir"]
    dirs += [arg.split("=", 1)[1] for arg in args if arg.startswith("--plugins-dir=")]
    if dirs:
        existing = [d for d in os.environ.get(PLUGINS_DIR_VARIABLE, "").split(os.pathsep) if d]
        os.environ[PLUGINS_DIR_VARIABLE] = os.pathsep.join(existing + dirs)


def _add_plugin_commands() -> None:
    from rehearse.plugins import manager

    manager().hook.register_commands(cli=cli)


def main() -> None:
    """Entry point: turns rehearse's errors into one line on stderr and an exit status."""
    debug = "--debug" in sys.argv[1:]
    # Before any plugin can import onnxruntime: its switch is read once, at import.
    disable_telemetry()
    try:
        _take_plugins_dirs(sys.argv[1:])
        _add_plugin_commands()
        # Without standalone mode, click returns ctx.exit()'s status instead of exiting.
        status = cli.main(standalone_mode=False)
    except SystemExit as exc:
        # Click and rehearse never call sys.exit() inside a command (click raises its own
        # Exit); only a plugin's code can, and that must not pass for a finished run.
        click.echo(
            tr(
                user_language(),
                "Error: a plugin ended the run with sys.exit({code}) "
                "(REHEARSE_LOAD_PLUGINS= starts rehearse without installed plugins)",
                code=repr(exc.code),
            ),
            err=True,
        )
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo(tr(user_language(), "Interrupted."), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except RehearseError as exc:
        if debug:
            traceback.print_exc()
        lang = user_language()
        # Messages quote paths and data.
        click.echo(tr(lang, "Error: {problem}", problem=printable(exc.said(lang))), err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo(tr(user_language(), "Interrupted."), err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug still gets one readable line
        if debug:
            traceback.print_exc()
        click.echo(
            tr(
                user_language(),
                "Error: unexpected {kind}: {problem} (run with --debug for details)",
                kind=type(exc).__name__,
                problem=printable(str(exc)),
            ),
            err=True,
        )
        sys.exit(EXIT_ERROR)
    if isinstance(status, int) and status:
        sys.exit(status)
