"""What the coaching costs: all analyzers, the scorecard and the HTML page on a long conversation,
against the first four analyzers alone, measured in the same run.

The conversation is the English stereo fixture's report (transcribed once with the real model),
repeated end to end until it lasts --minutes. No model runs in the timed part.

    python benchmarks/analysis_speed.py --minutes 30

With --turns, how analysis time grows with the size of a transcript instead: synthetic
transcripts of each size (tests/test_hostile_scale.py makes them) go through the --transcript
path (the JSON file read, checked and turned into a conversation, then every analyzer and the
report), against the quadratic algorithms issue 12 replaced (kept in that test as references)
up to --baseline-up-to turns, in the same run; and `rehearse analyze --transcript` itself.

    python benchmarks/analysis_speed.py --turns 1000 10000 100000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "audio" / "en-interview-stereo.flac"
BASELINE = ("talk_time", "interruptions", "questions", "monologues")


def long_report(minutes: float, workdir: Path) -> dict:
    saved = workdir / "fixture.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rehearse",
            "analyze",
            str(FIXTURE),
            "--no-save",
            "-f",
            "json",
            "-o",
            str(saved),
        ],
        check=True,
    )
    one = json.loads(saved.read_text(encoding="utf-8"))
    length = one["duration"]
    copies = max(1, round(minutes * 60 / length))
    grown = {**one, "duration": length * copies, "audio": {**one["audio"], "duration": length * copies}}
    for key in ("segments", "turns", "utterances", "words"):
        grown[key] = [
            {**item, "start": item["start"] + k * length, "end": item["end"] + k * length}
            for k in range(copies)
            for item in one[key]
        ]
    return grown


def timed(function, repeats: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def scale(counts: list[int], baseline_up_to: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from rehearse import pipeline, report
    from test_hostile_scale import REFERENCES, synthetic_transcript

    def analysis(path: Path) -> None:
        pipeline.analyze(report.load(path), pipeline.Options())

    def before(path: Path) -> None:
        with contextlib.ExitStack() as stack:
            for (module, name), reference in REFERENCES.items():
                stack.enter_context(mock.patch.object(module, name, reference))
            analysis(path)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores ({_cpu()}), Python {platform.python_version()}"
    )
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("turns    analysis    before (quadratic)   ratio    rehearse analyze --transcript")
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            path = Path(tmp) / f"{count}.json"
            path.write_text(json.dumps(synthetic_transcript(count)), encoding="utf-8")
            repeats = 1 if count >= 50_000 else 3
            new = timed(lambda path=path: analysis(path), repeats)
            old = timed(lambda path=path: before(path), repeats) if count <= baseline_up_to else None
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "rehearse", "analyze", "--transcript", str(path), "--no-save"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            command = time.perf_counter() - started
            compared = f"{old:9.2f} s          {old / new:6.1f}×" if old is not None else f"{'—':>11}{'':18}"
            print(f"{count:>7}  {new:7.2f} s  {compared}   {command:7.2f} s")
    print(f"load average at the end:   {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--turns", type=int, nargs="+", help="time synthetic transcripts of these sizes instead"
    )
    parser.add_argument(
        "--baseline-up-to", type=int, default=10_000, help="largest size the old algorithms run on"
    )
    args = parser.parse_args()
    if args.turns:
        scale(args.turns, args.baseline_up_to)
        return

    from rehearse import pipeline, plugins, report
    from rehearse.renderers.html import HtmlRenderer

    with tempfile.TemporaryDirectory() as tmp:
        data = long_report(args.minutes, Path(tmp))
    conversation = report.from_dict(data)
    conversation.profile = "job-interview"
    everything = plugins.analyzers()
    options = pipeline.Options(profile="job-interview")

    def first_four() -> None:
        plugins.analyzers = lambda: {n: everything[n] for n in BASELINE}  # type: ignore[assignment]
        try:
            pipeline.analyze(conversation, options)
        finally:
            plugins.analyzers = lambda: everything  # type: ignore[assignment]

    def all_of_them() -> None:
        pipeline.analyze(conversation, options)

    baseline = timed(first_four, args.repeats)
    full = timed(all_of_them, args.repeats)
    result = pipeline.analyze(conversation, options)
    page = timed(lambda: HtmlRenderer().render(result), args.repeats)
    html_size = len(HtmlRenderer().render(result).encode())
    print(
        f"{data['duration'] / 60:.1f} min, {len(data['turns'])} turns, {len(data['words'])} words, "
        f"median of {args.repeats} runs"
    )
    print(f"baseline: 4 analyzers          {baseline:8.3f} s")
    print(f"all {len(everything)} analyzers + scorecard   {full:8.3f} s   ratio {full / baseline:.2f}")
    print(f"HTML page                      {page:8.3f} s   ({html_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
