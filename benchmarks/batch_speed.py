"""Recordings per hour with `rehearse batch`: one process, two, and a local Dask cluster.

Input: ``--files`` recordings of ``--minutes`` of real conversation each, cut one after the
other from ``corpus.long_conversation`` (16 kHz mono WAV). Each run is a fresh `rehearse batch`
process writing to its own folder (``--no-save``), in the same benchmark run, nothing else on
the machine:

- ``--jobs 1`` (the baseline): one process, one model;
- ``--jobs 2``: two local processes, a model each;
- a Dask cluster on 127.0.0.1 (`dask scheduler`, `dask worker --nworkers 2 --nthreads 1`,
  started before the clock runs), ``--scheduler``: the same two processes' worth of work, with
  the recordings sent to the workers and the reports sent back.

The per-file overhead of the cluster is its wall time minus that of ``--jobs 2``, per recording.

    python benchmarks/batch_speed.py --files 8 --minutes 2

Needs rehearse-coach[cluster].
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import long_conversation  # noqa: E402


def recordings(folder: Path, files: int, minutes: float) -> float:
    """``files`` WAV cuts of the real conversation; their total length in seconds."""
    mono, _ = long_conversation.build(files * minutes + 0.5)
    with wave.open(str(mono)) as source:
        rate = source.getframerate()
        samples = np.frombuffer(source.readframes(source.getnframes()), np.int16)
    length = int(minutes * 60 * rate)
    for index in range(files):
        with wave.open(str(folder / f"session-{index + 1:02d}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples[index * length : (index + 1) * length].tobytes())
    return files * length / rate


def timed(arguments: list[str], output: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "rehearse", "batch", *arguments, "-o", str(output), "--no-save", "-f", "html"],
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"rehearse batch failed: {result.stderr.strip()}")
    return took


def cluster(folder: Path) -> tuple[str, list[subprocess.Popen]]:
    """A Dask scheduler and two worker processes of one thread on 127.0.0.1, ready: its address,
    and the processes to stop (tests/test_batch.py starts its cluster with this too)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    # Dask's nanny starts each worker with numpy's BLAS on one thread (distributed.nanny.
    # pre-spawn-environ); started so, OpenBLAS rounds faster-whisper's mel features otherwise than
    # in a process of its own, and Whisper may write another word. The workers keep the BLAS
    # threads a local run has (docs/cluster.md).
    threads = str(os.cpu_count() or 1)
    same_blas = {name: threads for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    worker_env = {**os.environ, "DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON": repr(same_blas)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **quiet,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--local-directory",
                str(folder / "dask"),
            ],
            env=worker_env,
            **quiet,
        ),
    ]
    from distributed import Client

    for _ in range(120):
        try:
            with Client(address, timeout="2s") as client:
                if len(client.scheduler_info()["workers"]) == 2:
                    return address, processes
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("the local Dask cluster did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--minutes", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rehearse-batch-bench-") as scratch:
        work = Path(scratch)
        inputs = work / "recordings"
        inputs.mkdir()
        audio = recordings(inputs, args.files, args.minutes)
        rows = [("--jobs 1 (baseline)", timed([str(inputs), "--jobs", "1"], work / "one"))]
        rows.append(("--jobs 2", timed([str(inputs), "--jobs", "2"], work / "two")))
        address, processes = cluster(work)
        try:
            rows.append(
                ("Dask, 2 workers on 127.0.0.1", timed([str(inputs), "--scheduler", address], work / "dask"))
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; model base, int8")
    print(
        f"input: {args.files} recordings of {args.minutes:g} min of real conversation ({audio / 3600:.2f} h)"
    )
    print("| run | wall time | recordings per hour | hours of audio per hour | vs --jobs 1 |")
    print("|---|---|---|---|---|")
    baseline = rows[0][1]
    for name, took in rows:
        print(
            f"| {name} | {took:.1f} s | {args.files / took * 3600:.0f} | {audio / took:.1f} | {took / baseline:.2f} |"
        )
    overhead = (rows[2][1] - rows[1][1]) / args.files
    print(f"cluster overhead per recording against --jobs 2: {overhead:+.2f} s")


if __name__ == "__main__":
    main()
