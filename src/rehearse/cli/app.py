"""The ``rehearse`` command group and what every command shares; commands live one group per module."""

from __future__ import annotations

import click

from rehearse._version import __version__

EXIT_ERROR = 1
EXIT_ANALYZER_FAILED = 3


def plugins_dir_option(command):  # type: ignore[no-untyped-def]
    # main() reads --plugins-dir before click runs: plugins must be loaded before the
    # command line is built, since they may add commands to it.
    return click.option(
        "--plugins-dir",
        multiple=True,
        expose_value=False,
        metavar="DIR",
        help="Also load plugins from the *.py files in DIR (this runs their code; repeatable). "
        "Same as REHEARSE_PLUGINS_DIR.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rehearse")
@click.option("--debug", is_flag=True, help="Show full tracebacks when something fails.")
@plugins_dir_option
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Feedback on your practice interviews, computed entirely on this machine.

    \b
    rehearse analyze interview.m4a            feedback report in the terminal
    rehearse analyze call.wav -o report.md    the same report as Markdown
    rehearse analyze call.wav --format json   the full report as JSON (for tools)
    rehearse voice enroll                     so reports know which speaker is you
    rehearse plugins                          what is installed; see docs/plugins.md

    Nothing you record ever leaves this computer.
    """
    ctx.obj = {"debug": debug}
