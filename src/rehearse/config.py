"""``rehearse.toml``: settings you would otherwise repeat on every command line.

Looked up in the working directory, then in the user config directory (or the file
named by ``REHEARSE_CONFIG``). Analyzer options live in one table per analyzer:

    [analyzers.monologues]
    threshold = 60

``--set monologues.threshold=45`` on the command line wins over the file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from rehearse.errors import OptionError

FILE_NAME = "rehearse.toml"


def path() -> Path | None:
    """The config file in effect, if any."""
    if os.environ.get("REHEARSE_CONFIG"):
        return Path(os.environ["REHEARSE_CONFIG"])
    local = Path.cwd() / FILE_NAME
    if local.is_file():
        return local
    from platformdirs import user_config_dir

    user = Path(user_config_dir("rehearse", appauthor=False)) / FILE_NAME
    return user if user.is_file() else None


def load() -> tuple[Path | None, dict[str, Any]]:
    where = path()
    if where is None:
        return None, {}
    if where.exists() and not where.is_file():  # a FIFO would block the read for ever
        raise OptionError("{path}: not a regular file; REHEARSE_CONFIG must name a TOML file", path=where)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return where, tomllib.loads(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionError(
            "{path}: cannot read the config file ({reason})", path=where, reason=exc.strerror or exc
        ) from exc
    except UnicodeDecodeError:
        raise OptionError("{path}: not UTF-8 text; save the config file as UTF-8", path=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise OptionError("{path}: not valid TOML ({reason})", path=where, reason=exc) from exc


def analyzer_assignments(config: dict[str, Any], where: Path | None) -> list[str]:
    """The ``[analyzers.NAME]`` tables as ``NAME.option=value`` strings, like ``--set``'s."""
    tables = config.get("analyzers", {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise OptionError(
            "{path}: [analyzers] must hold one table per analyzer, e.g. [analyzers.monologues]", path=where
        )
    return [
        f"{name}.{option}={str(value).lower() if isinstance(value, bool) else value}"
        for name, table in tables.items()
        for option, value in table.items()
    ]
