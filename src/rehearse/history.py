"""History: every analysed session in a local SQLite file, so progress shows over weeks.

One row per recording (analysing it again updates its row): when, which situation, the
key figures, and the full JSON report. A recording is known by its content (the sha256 of its
bytes), not by where it was: analysed again from another folder, or after a move, it is the
same recording, and its entry follows it to the new path. The file lives in the user data directory
(``REHEARSE_DATA_DIR``, else the platform's, which honours ``XDG_DATA_HOME``).

The schema is versioned with ``PRAGMA user_version``; each migration runs in one
transaction after the file is copied aside, so an upgrade never loses a session. A
damaged or busy file raises :class:`HistoryError` and is never rewritten.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rehearse.coaching import scorecard
from rehearse.coaching.situations import Target
from rehearse.errors import RehearseError
from rehearse.paths import data_dir

FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT = 5.0


class HistoryError(RehearseError):
    """The history file cannot be read or written."""


def path() -> Path:
    return data_dir() / FILE_NAME


def _v1(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            analyzed_at TEXT NOT NULL,
            recorded_at TEXT,
            profile TEXT,
            audio_path TEXT UNIQUE,
            duration REAL,
            language TEXT,
            you TEXT,
            report TEXT NOT NULL
        )"""
    )


def _v2(db: sqlite3.Connection) -> None:
    """Key figures in their own table, so progress reads numbers, not whole reports."""
    db.execute(
        """CREATE TABLE metrics (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (session_id, name)
        )"""
    )
    db.execute("CREATE INDEX sessions_by_profile ON sessions (profile, analyzed_at)")
    for session_id, you, report in db.execute("SELECT id, you, report FROM sessions").fetchall():
        analyzers = json.loads(report).get("analyzers", {})
        _write_metrics(db, session_id, scorecard.key_metrics(analyzers, you))


def _v3(db: sqlite3.Connection) -> None:
    """The recording's content hash: the same audio is the same recording wherever it is.
    Earlier rows have none, and are still found by their path."""
    db.execute("ALTER TABLE sessions ADD COLUMN audio_sha256 TEXT")
    db.execute("CREATE UNIQUE INDEX sessions_by_content ON sessions (audio_sha256) WHERE audio_sha256 IS NOT NULL")


def _v4(db: sqlite3.Connection) -> None:
    """Drilled answers (``rehearse drill``): one row per attempt at a question, with its figures."""
    db.execute(
        """CREATE TABLE drills (
            id INTEGER PRIMARY KEY,
            attempted_at TEXT NOT NULL,
            question_key TEXT NOT NULL,
            question TEXT NOT NULL,
            language TEXT,
            profile TEXT,
            mode TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            transcript TEXT NOT NULL,
            figures TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX drills_by_question ON drills (question_key, attempted_at)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]

CHUNK = 1 << 20


def content_hash(audio: Path) -> str:
    """The sha256 of a file's bytes, read a chunk at a time (recordings can be large).

    Raises:
        OSError: the file cannot be read.
    """
    digest = hashlib.sha256()
    with open(audio, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def connect(location: Path | None = None, migrations: list | None = None) -> Iterator[sqlite3.Connection]:
    """The history database, created or upgraded as needed.

    Raises:
        HistoryError: the file is damaged, busy, from a newer rehearse, or cannot be written.
    """
    location = location or path()
    steps = MIGRATIONS if migrations is None else migrations
    try:
        location.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(location, timeout=BUSY_TIMEOUT, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError("cannot open the history {location}: {reason}", location=location, reason=exc) from exc
    try:
        db.execute("PRAGMA foreign_keys = ON")
        _migrate(db, location, steps)
        yield db
    except sqlite3.DatabaseError as exc:
        raise _explain(exc, location) from exc
    except OSError as exc:  # backing up before a migration
        raise HistoryError(
            "cannot back up the history {location} ({reason}); use --no-save",
            location=location,
            reason=exc.strerror or exc,
        ) from exc
    finally:
        db.close()


def _migrate(db: sqlite3.Connection, location: Path, steps: list) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(steps):
        raise HistoryError(
            "the history {location} was made by a newer rehearse (schema {version}); upgrade rehearse "
            "or use --no-save",
            location=location,
            version=version,
        )
    if version == len(steps):
        return
    if version > 0:
        backup = location.with_name(f"{location.name}.v{version}.bak")
        shutil.copy2(location, backup)
    with _transaction(db):
        for number, step in enumerate(steps[version:], version + 1):
            step(db)
            db.execute(f"PRAGMA user_version = {number}")


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """All or nothing; the error that stopped it is the one raised.

    SQLite rolls back by itself on some errors (a full disk, an I/O error): a ROLLBACK then
    fails with "no transaction is active", which must not hide the real cause.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _explain(exc: sqlite3.DatabaseError, location: Path) -> HistoryError:
    message = str(exc)
    if "locked" in message or "busy" in message:
        return HistoryError(
            "the history {location} is busy (another rehearse is writing to it); try again, or use --no-save",
            location=location,
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return HistoryError(
            "the history {location} is damaged ({reason}); it was left untouched. Move it aside to "
            "start a new one (earlier sessions stay in the moved file), or use --no-save",
            location=location,
            reason=message,
        )
    if "full" in message:
        return HistoryError(
            "the disk holding the history {location} is full; free some space, or use --no-save",
            location=location,
        )
    if "readonly" in message or "read-only" in message:
        return HistoryError(
            "the history {location} is read-only; check its permissions, or use --no-save", location=location
        )
    return HistoryError("the history {location} could not be used: {reason}", location=location, reason=message)


def _write_metrics(db: sqlite3.Connection, session_id: int, figures: dict[str, float | None]) -> None:
    db.execute("DELETE FROM metrics WHERE session_id = ?", (session_id,))
    db.executemany(
        "INSERT INTO metrics (session_id, name, value) VALUES (?, ?, ?)",
        [(session_id, name, value) for name, value in figures.items() if value is not None],
    )


def situation(report: dict) -> str | None:
    """The situation a report's figures were judged against: the default one when none was given,
    so that a first run without --profile counts in ``progress`` and ``compare``."""
    return (report.get("coaching") or {}).get("profile") or report.get("profile")


def save(report: dict, recorded_at: str | None = None, location: Path | None = None) -> int | None:
    """Keep a report; analysing the same recording again replaces its entry. Returns the session id,
    or None for a report without a recording (a hand-written transcript), which is not kept.

    The recording is the one with the same content (``report["audio"]["sha256"]``) wherever it
    was, else the one at the same path; its entry then points at where the recording is now."""
    audio_info = report.get("audio") or {}
    audio = audio_info.get("path")
    if not audio:
        return None
    audio = str(Path(audio).resolve())
    digest = audio_info.get("sha256") or None
    coaching = report.get("coaching") or {}
    row = {
        "analyzed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "recorded_at": recorded_at,
        "profile": situation(report),
        "audio_path": audio,
        "audio_sha256": digest,
        "duration": report.get("duration"),
        "language": report.get("language"),
        "you": coaching.get("you"),
        "report": json.dumps(report, ensure_ascii=False, default=str),
    }
    with connect(location) as db, _transaction(db):
        same = _same_recording(db, audio, digest)
        if same is None:
            inserted = db.execute(
                """INSERT INTO sessions (analyzed_at, recorded_at, profile, audio_path, audio_sha256, duration,
                     language, you, report)
                   VALUES (:analyzed_at, :recorded_at, :profile, :audio_path, :audio_sha256, :duration,
                     :language, :you, :report)""",
                row,
            ).lastrowid
            session_id = int(inserted or 0)
        else:
            session_id = same
            db.execute(
                """UPDATE sessions SET analyzed_at = :analyzed_at,
                     recorded_at = COALESCE(:recorded_at, recorded_at), profile = :profile,
                     audio_path = :audio_path, audio_sha256 = COALESCE(:audio_sha256, audio_sha256),
                     duration = :duration, language = :language, you = :you, report = :report
                   WHERE id = :id""",
                {**row, "id": session_id},
            )
        _write_metrics(db, session_id, coaching.get("key_metrics") or {})
    return session_id


def _same_recording(db: sqlite3.Connection, audio: str, digest: str | None) -> int | None:
    """The entry of this recording: by content first, else by path (an entry with no hash, or
    with this one). Another recording's entry at this path (the file was replaced) lets go of it."""
    if digest is not None:
        found = db.execute("SELECT id FROM sessions WHERE audio_sha256 = ?", (digest,)).fetchone()
        if found is not None:
            db.execute("UPDATE sessions SET audio_path = NULL WHERE audio_path = ? AND id != ?", (audio, found[0]))
            return int(found[0])
    at_path = db.execute("SELECT id, audio_sha256 FROM sessions WHERE audio_path = ?", (audio,)).fetchone()
    if at_path is None:
        return None
    if digest is None or at_path[1] in (None, digest):
        return int(at_path[0])
    db.execute("UPDATE sessions SET audio_path = NULL WHERE id = ?", (at_path[0],))
    return None


def delete(session_id: int, location: Path | None = None) -> None:
    """Remove a session and its figures.

    Raises:
        HistoryError: there is no such session.
    """
    with connect(location) as db, _transaction(db):
        if db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount == 0:
            raise _unknown(session_id)


def _unknown(session_id: int) -> HistoryError:
    return HistoryError("no session {session} in the history; 'rehearse history' lists them", session=session_id)


@dataclass(frozen=True)
class Session:
    id: int
    date: str  # when it was recorded, else when it was analysed
    profile: str | None
    audio_path: str | None  # None once another recording took its place at that path
    duration: float | None
    language: str | None
    you: str | None
    metrics: dict[str, float]
    audio_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date,
            "profile": self.profile,
            "audio_path": self.audio_path,
            "audio_sha256": self.audio_sha256,
            "duration": self.duration,
            "language": self.language,
            "you": self.you,
            "metrics": self.metrics,
        }


def sessions(
    profile: str | None = None,
    last: int | None = None,
    location: Path | None = None,
    ids: list[int] | None = None,
) -> list[Session]:
    """Sessions, oldest first: the ``last`` most recent ones of ``profile`` (all when None), or
    those of ``ids`` (when given) that exist."""
    where: list[str] = []
    parameters: list[Any] = []
    if profile:
        where.append("profile = ?")
        parameters.append(profile)
    if ids is not None:
        where.append(f"id IN ({', '.join('?' * len(ids))})")
        parameters.extend(ids)
    query = (
        "SELECT id, COALESCE(recorded_at, analyzed_at) AS date, profile, audio_path, duration, language, you, "
        "audio_sha256 FROM sessions"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY date DESC, id DESC"
    )
    if last is not None:
        query += " LIMIT ?"
        parameters.append(last)
    with connect(location) as db:
        rows = db.execute(query, parameters).fetchall()
        figures: dict[int, dict[str, float]] = {}
        for session_id, name, value in db.execute("SELECT session_id, name, value FROM metrics"):
            figures.setdefault(session_id, {})[name] = value
    return [
        Session(
            id=row[0],
            date=row[1],
            profile=row[2],
            audio_path=row[3],
            duration=row[4],
            language=row[5],
            you=row[6],
            metrics=figures.get(row[0], {}),
            audio_sha256=row[7],
        )
        for row in reversed(rows)
    ]


def report(session_id: int, location: Path | None = None) -> dict:
    """The full JSON report kept for a session."""
    with connect(location) as db:
        row = db.execute("SELECT report FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise _unknown(session_id)
    return dict(json.loads(row[0]))


def save_attempt(attempt: dict[str, Any], mode: str, profile: str | None, location: Path | None = None) -> int:
    """Keep one drilled answer (:meth:`rehearse.coaching.drill.Attempt.to_dict`), in one
    transaction: an attempt is kept whole or not at all."""
    with connect(location) as db, _transaction(db):
        cursor = db.execute(
            """INSERT INTO drills (attempted_at, question_key, question, language, profile, mode, session_id,
                 transcript, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                attempt["key"],
                attempt["question"],
                attempt["language"],
                profile,
                mode,
                attempt.get("session_id"),
                attempt["transcript"],
                json.dumps(attempt["figures"], ensure_ascii=False),
            ),
        )
        return int(cursor.lastrowid or 0)


def attempts(question_key: str | None = None, location: Path | None = None) -> list[dict[str, Any]]:
    """Drilled answers, oldest first: of one question, or of all."""
    query = "SELECT id, attempted_at, question_key, question, language, profile, mode, transcript, figures FROM drills"
    with connect(location) as db:
        rows = (
            db.execute(query + " WHERE question_key = ? ORDER BY attempted_at, id", (question_key,)).fetchall()
            if question_key is not None
            else db.execute(query + " ORDER BY attempted_at, id").fetchall()
        )
    names = ("id", "date", "key", "question", "language", "profile", "mode", "transcript")
    return [{**dict(zip(names, row[:8])), "figures": json.loads(row[8])} for row in rows]


def drill_progress(location: Path | None = None) -> list[dict[str, Any]]:
    """Each question drilled by answering: how many attempts, the first and the latest figures."""
    tries: dict[str, list[dict[str, Any]]] = {}
    for attempt in attempts(location=location):
        if attempt["mode"] == "answer":
            tries.setdefault(attempt["key"], []).append(attempt)
    return [
        {"question": t[-1]["question"], "attempts": len(t), "first": t[0]["figures"], "latest": t[-1]["figures"]}
        for t in tries.values()
    ]


def progress(
    profile: str | None,
    last: int = 10,
    targets: dict[str, Target] | None = None,
    location: Path | None = None,
) -> dict[str, Any]:
    """How each key figure moved over the ``last`` sessions, judged against the targets when given."""
    found = sessions(profile, last, location)
    figures: dict[str, dict[str, Any]] = {}
    for name in scorecard.KEY_METRICS:
        values = [s.metrics.get(name) for s in found]
        known = [v for v in values if v is not None]
        if not known:
            continue
        low, high, _ = (targets or {}).get(name, (None, None, ""))
        figures[name] = {
            "values": values,
            # Sessions without this figure: not measured, or not knowing which speaker was you.
            "missing": [s.id for s, v in zip(found, values) if v is None],
            "min": low,
            "max": high,
            "trend": _trend(known[0], known[-1], low, high) if len(known) > 1 else "new",
        }
    return {
        "profile": profile,
        "sessions": [{"id": s.id, "date": s.date, "audio_path": s.audio_path} for s in found],
        "metrics": figures,
    }


def compare(
    first_id: int,
    second_id: int,
    targets: dict[str, Target] | None = None,
    location: Path | None = None,
) -> dict[str, Any]:
    """Two sessions side by side: each key figure of both, the change, and whether it moved
    towards the target (``verdict`` as :func:`progress` names trends; "missing" when a session
    lacks the figure).

    Raises:
        HistoryError: either session is not in the history.
    """
    found = {s.id: s for s in sessions(location=location, ids=[first_id, second_id])}
    for session_id in (first_id, second_id):
        if session_id not in found:
            raise _unknown(session_id)
    first, second = found[first_id], found[second_id]
    figures: dict[str, dict[str, Any]] = {}
    for name in scorecard.KEY_METRICS:
        before, after = first.metrics.get(name), second.metrics.get(name)
        if before is None and after is None:
            continue
        low, high, _ = (targets or {}).get(name, (None, None, ""))
        both = before is not None and after is not None
        figures[name] = {
            "first": before,
            "second": after,
            "change": after - before if both else None,  # type: ignore[operator]
            "min": low,
            "max": high,
            "verdict": _trend(before, after, low, high) if both else "missing",  # type: ignore[arg-type]
        }
    return {"first": first.to_dict(), "second": second.to_dict(), "metrics": figures}


def _trend(first: float, latest: float, low: float | None, high: float | None) -> str:
    """Against the target range where there is one: "better", "worse", "on target" or "off target";
    else "up", "down" or "same"."""

    def miss(value: float) -> float:
        return max(
            (low - value) if low is not None else 0.0, (value - high) if high is not None else 0.0, 0.0
        )

    if low is not None or high is not None:
        before, now = miss(first), miss(latest)
        if abs(before - now) > 1e-9:
            return "better" if now < before else "worse"
        return "on target" if now == 0 else "off target"
    if abs(latest - first) <= 1e-9:
        return "same"
    return "up" if latest > first else "down"
