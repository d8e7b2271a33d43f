"""One recording analysed, in whatever process runs it; a batch run on local processes or on a
Dask cluster.

The work of one recording is :func:`analyse`, a plain function of picklable arguments: a local
process pool (``--jobs N``) and Dask's workers (``--scheduler ADDRESS``) run the very same code.
Each process loads the speech model once, on its first recording, and keeps it. The process that
started the batch writes every file: a worker only reads the recording (sent to it whole when it
runs on a cluster, which need not share a disk) and returns the reports, rendered.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehearse.batch import BatchError
from rehearse.errors import RehearseError
from rehearse.i18n import tr

if TYPE_CHECKING:
    from rehearse.pipeline import Options
    from rehearse.transcription.base import SpeechToText

# Recordings handed to a cluster at once, beyond one per worker thread: workers never wait for
# the next, and the client never holds every recording in memory.
AHEAD_PER_THREAD = 2


@dataclass(frozen=True)
class Task:
    name: str  # the reports' name in the output folder, without a suffix
    source: str  # the recording's path, as given
    key: str  # what it was analysed with: its content and the options (see :func:`key`)
    data: bytes | None = None  # the recording itself, for a worker that cannot see the client's disk


@dataclass
class Outcome:
    name: str
    source: str
    key: str
    report: dict[str, Any] | None = None
    rendered: dict[str, str] = field(default_factory=dict)  # format name → the report in it
    error: str | None = None  # one line, when the recording could not be analysed
    seconds: float = 0.0  # the work, in the worker


def key(content_hash: str, options: Options) -> str:
    """What a finished report is known by: the recording's content and every option that changes
    what is found in it, so that a batch run again skips what is done, and only that."""
    chosen = {
        name: value
        for name, value in asdict(options).items()
        if name not in ("use_voiceprint", "config_path", "device")  # where or how, not what
    }
    text = json.dumps([content_hash, chosen], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


_models: dict[tuple, SpeechToText] = {}
_loading = threading.Lock()  # a Dask worker may run two recordings at once in threads


def _model(options: Options) -> SpeechToText:
    from rehearse import pipeline

    wanted = (options.transcriber, options.model, options.device, options.compute_type, options.language)
    with _loading:
        if wanted not in _models:
            _models[wanted] = pipeline.load_transcriber(options)
        return _models[wanted]


def analyse(task: Task, options: Options, formats: Sequence[str], lang: str) -> Outcome:
    """Analyse one recording and render its reports; never raises for a bad recording: its
    :attr:`Outcome.error` says what is wrong, in ``lang``."""
    from rehearse import pipeline, plugins

    started = time.monotonic()
    outcome = Outcome(task.name, task.source, task.key)
    try:
        with tempfile.TemporaryDirectory(prefix="rehearse-batch-") as folder:
            path = Path(task.source)
            if task.data is not None:  # keep the name: FFmpeg reads the format from it too
                path = Path(folder) / Path(task.source).name
                path.write_bytes(task.data)
            conversation = pipeline.transcribe_recording(path, options, transcriber=_model(options))
        report = pipeline.analyze(conversation, options)
        if isinstance(report.get("audio"), dict):
            report["audio"]["path"] = task.source
        report["batch"] = {"key": task.key, "name": task.name}
        renderers = plugins.renderers()
        outcome.rendered = {name: renderers[name].render(report, color=False) for name in formats}
        outcome.report = report
    except RehearseError as exc:
        outcome.error = exc.said(lang)
    except Exception as exc:  # noqa: BLE001 - one bad recording never stops the batch
        outcome.error = tr(
            lang,
            "unexpected {kind}: {problem}",
            kind=type(exc).__name__,
            problem=str(exc) or type(exc).__name__,
        )
    outcome.seconds = time.monotonic() - started
    return outcome


Done = Callable[[Outcome], None]


def run_here(tasks: Sequence[Task], options: Options, formats: Sequence[str], lang: str, done: Done) -> None:
    """In this process, one recording after the other."""
    for task in tasks:
        done(analyse(task, options, formats, lang))


def run_local(
    tasks: Sequence[Task], options: Options, formats: Sequence[str], lang: str, jobs: int, done: Done
) -> None:
    """On ``jobs`` local processes, each with its own model. Ctrl-C stops them at once; what was
    done before is already with ``done``."""
    if jobs <= 1 or len(tasks) <= 1:
        run_here(tasks, options, formats, lang, done)
        return
    # spawn: forking a process that runs threads (the progress bar) can leave locks held.
    pool = ProcessPoolExecutor(
        min(jobs, len(tasks)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_leave_ctrl_c_to_parent,
    )
    sent = {pool.submit(analyse, task, options, tuple(formats), lang): task for task in tasks}
    try:
        for future in as_completed(sent):
            task = sent[future]
            try:
                done(future.result())
            except Exception as exc:  # noqa: BLE001 - a process lost with it (out of memory…)
                done(Outcome(task.name, task.source, task.key, error=_lost(exc, lang)))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()  # what they were doing is lost anyway: no need to wait for it
        raise
    pool.shutdown()


def _leave_ctrl_c_to_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def connect(address: str) -> Any:
    """A client of the Dask cluster whose scheduler is at ``address``.

    Raises:
        BatchError: the scheduler cannot be reached, or Dask is not installed.
    """
    try:
        import distributed
    except ImportError as exc:
        raise BatchError(
            "--scheduler needs Dask's distributed scheduler: pip install 'rehearse-coach[cluster]'"
        ) from exc
    try:
        return distributed.Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(
            "cannot reach the Dask scheduler at {address}: {reason}", address=address, reason=exc
        ) from exc


def run_cluster(
    client: Any, tasks: Sequence[Task], options: Options, formats: Sequence[str], lang: str, done: Done
) -> None:
    """On the Dask cluster of ``client`` (:func:`connect`): each recording is sent to a worker, a
    few at a time, and its reports come back. The client is closed at the end."""
    import distributed

    with client:
        threads = max(sum(client.nthreads().values()), 1)
        waiting: Iterator[Task] = iter(tasks)
        sent: dict[Any, Task] = {}

        def send_next() -> Any:
            """The next recording, sent to the cluster; None when none is left."""
            for task in waiting:
                try:
                    whole = replace(task, data=Path(task.source).read_bytes())
                except OSError as exc:
                    done(Outcome(task.name, task.source, task.key, error=_unreadable(exc, lang)))
                    continue
                future = client.submit(analyse, whole, options, tuple(formats), lang, pure=False)
                sent[future] = task
                return future
            return None

        first = [send_next() for _ in range(threads * AHEAD_PER_THREAD)]
        running = distributed.as_completed([f for f in first if f is not None], loop=client.loop)
        try:
            for future in running:
                task = sent.pop(future)
                try:
                    done(future.result())
                except Exception as exc:  # noqa: BLE001 - a worker lost with it; the rest goes on
                    done(Outcome(task.name, task.source, task.key, error=_lost(exc, lang)))
                following = send_next()
                if following is not None:
                    running.add(following)
        except BaseException:
            client.cancel(list(sent))
            raise


def _unreadable(exc: OSError, lang: str) -> str:
    return tr(lang, "cannot read the recording: {reason}", reason=exc.strerror or exc)


def _lost(exc: Exception, lang: str) -> str:
    return tr(lang, "the worker analysing it failed: {problem}", problem=str(exc) or type(exc).__name__)
