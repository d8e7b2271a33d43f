"""Where rehearse keeps things on this machine: your data, and caches it can rebuild."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """What is yours (history, voice print, recordings): REHEARSE_DATA_DIR, else the platform's
    user data folder (which honours XDG_DATA_HOME)."""
    if os.environ.get("REHEARSE_DATA_DIR"):
        return Path(os.environ["REHEARSE_DATA_DIR"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("rehearse", appauthor=False))


def cache_dir() -> Path:
    """What can be rebuilt (the assembled speech model): REHEARSE_CACHE_DIR, else the platform's
    user cache folder."""
    override = os.environ.get("REHEARSE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rehearse", appauthor=False))
