"""rehearse: feedback on practice interviews, from a recording, entirely offline."""

from __future__ import annotations

__version__ = "0.1.0"
