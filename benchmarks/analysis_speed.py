"""What the coaching costs: all analyzers, the scorecard and the HTML page on a long conversation,
against the first four analyzers alone, measured in the same run.

The conversation is the English stereo fixture's report (transcribed once with the real model),
repeated end to end until it lasts --minutes. No model runs in the timed part.

    python benchmarks/analysis_speed.py --minutes 30
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

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
