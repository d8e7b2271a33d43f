"""The HTML report in a real headless Chromium: it renders, asks nothing of the network, and plays moments."""

import json
import shutil

import numpy as np
import pytest

from conftest import run_cli, write_wav
from test_history import analyze, listed_sessions, session_file


def test_html_report_is_self_contained_and_renders(write_json, tmp_path, open_page):
    # Two sessions, so the page also charts the progress between them.
    # (A transcript's session is kept in the history only when asked.)
    analyze(session_file(write_json, tmp_path, "first", 20.0), "--save")
    source = session_file(write_json, tmp_path, "second", 36.5)
    page_path = tmp_path / "second.html"
    result = run_cli(
        "analyze", "--transcript", source, "--profile", "job-interview", "--save", "-o", str(page_path)
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(run_cli("analyze", "--transcript", source, "--no-save", "-f", "json").stdout)
    html = page_path.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html

    page, seen = open_page(page_path)
    assert seen["console"] == []
    assert seen["requests"] == [page_path.resolve().as_uri()], "the page fetches nothing"
    assert page.locator("#timeline rect.turn").count() == len(report["turns"])
    assert page.locator("#timeline circle.question").count() == len(report["analyzers"]["questions"]["items"])
    assert page.locator(".cards .card.ok, .cards .card.low, .cards .card.high").count() >= 4
    assert page.locator("#progress svg polyline").count() >= 1, "progress over the two sessions"
    assert page.locator("#transcript p").count() == len(report["utterances"])
    assert page.locator("h2").first.inner_text() == "Three things to work on"
    shot = tmp_path / "report.png"  # kept by pytest's tmp_path for a look
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000, "a rendered page, not a blank one"

    page.locator("#transcript button.t").nth(1).click()
    page.wait_for_timeout(500)
    status = page.locator("#player-status").inner_text()
    assert "Looked for second.wav next to this page, then at " + str(tmp_path / "second.wav") in status
    assert all(url.startswith("file://") for url in seen["requests"])


def test_french_html_report(write_json, tmp_path):
    data = {
        "speakers": ["A", "B"],
        "language": "fr",
        "turns": [
            {"speaker": "A", "start": 0, "end": 3, "text": "Pourquoi avez-vous quitté votre poste ?"},
            {"speaker": "B", "start": 3.5, "end": 9, "text": "Je voulais <b>apprendre</b> autre chose."},
        ],
    }
    out = tmp_path / "bilan.html"
    result = run_cli("analyze", "--transcript", str(write_json(data)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Déroulé" in html and "Transcription" in html
    # What only shows on hovering or when the audio is missing speaks French too.
    assert "<title>question ouverte : Pourquoi avez-vous quitté votre poste ?</title>" in html
    assert (
        "<title>A 00:00–00:03 : Pourquoi" in html
        and "Ce bilan ne désigne aucun enregistrement à lire." in html
    )
    assert "Bilan écrit dans" in result.stderr
    assert "&lt;b&gt;apprendre&lt;/b&gt;" in html, "transcript text is escaped"


def _timeline_page(write_json, tmp_path, open_page, seconds: float, width: int):
    turns = [
        {"speaker": "A", "start": 0.0, "end": seconds * 0.4, "text": "Tell me about yourself?"},
        {"speaker": "B", "start": seconds * 0.45, "end": seconds, "text": "I build things."},
    ]
    data = {"speakers": ["A", "B"], "turns": turns}
    out = tmp_path / f"timeline-{seconds:g}.html"
    result = run_cli("analyze", "--transcript", str(write_json(data, f"t{seconds:g}.json")), "-o", str(out))
    assert result.returncode == 0, result.stderr
    page, _ = open_page(out)
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("seconds", [10.0, 70.0, 7200.0])
@pytest.mark.parametrize("width", [1200, 420])
def test_timeline_axis_labels_are_never_clipped(write_json, tmp_path, open_page, seconds, width):
    page = _timeline_page(write_json, tmp_path, open_page, seconds, width)
    svg = page.locator("#timeline").bounding_box()
    panel = page.locator("#timeline").locator("xpath=..").bounding_box()
    labels = page.locator("#timeline text.tick")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    texts = labels.all_text_contents()
    assert texts[0] in ("00:00", "0:00:00") and len(texts) >= 2
    last = "2:00:00" if seconds == 7200 else ("01:10" if seconds == 70 else "00:10")
    assert texts[-1] == last, texts
    for text, box in zip(texts, boxes):
        assert box is not None and box["width"] > 0
        for outer in (svg, panel):
            assert outer["x"] - 0.5 <= box["x"], (text, box, outer)
            assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5, (text, box, outer)
            assert box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5, (text, box, outer)
    for before, after in zip(boxes, boxes[1:]):  # nor hidden under its neighbour
        assert before["x"] + before["width"] <= after["x"], texts
    page.screenshot(path=str(tmp_path / f"timeline-{seconds:g}-{width}.png"))


def _player_page(write_json, tmp_path, open_page, lang: str = "en"):
    """A report whose recording was made in recorded/ and whose page is written to pages/."""
    recorded, pages = tmp_path / "recorded", tmp_path / "pages"
    recorded.mkdir()
    pages.mkdir()
    wav = recorded / "talk one.wav"
    tone = 0.2 * np.sin(np.arange(16_000 * 12) * 2 * np.pi * 220 / 16_000)
    write_wav(wav, np.stack([tone, tone], axis=1))
    text = "Pourquoi pas ?" if lang == "fr" else "Why not?"
    data = {
        "speakers": ["A", "B"],
        "language": lang,
        "turns": [
            {"speaker": "A", "start": 0.0, "end": 4.0, "text": text},
            {"speaker": "B", "start": 5.0, "end": 11.0, "text": text},
        ],
        "audio": {"path": str(wav), "duration": 12.0, "channels": 2, "sample_rate": 16000},
    }
    out = pages / "report.html"
    result = run_cli("analyze", "--transcript", str(write_json(data)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out, wav


def _play_second_moment(page) -> float:
    page.locator("#transcript button.t").nth(1).click()
    for _ in range(50):  # the page's policy forbids eval, so poll from here
        if page.evaluate("document.getElementById('player').currentTime") > 0:
            break
        page.wait_for_timeout(100)
    return page.evaluate("document.getElementById('player').currentTime")


def test_player_finds_the_recording_where_it_was_recorded(write_json, tmp_path, open_page):
    out, wav = _player_page(write_json, tmp_path, open_page)
    page, seen = open_page(out)
    assert _play_second_moment(page) == pytest.approx(4.0, abs=0.5)
    assert page.evaluate("document.getElementById('player').currentSrc") == wav.as_uri()
    # Looked for next to the page first: the browser logs that miss, and nothing else.
    assert seen["console"] == [("error", "Failed to load resource: net::ERR_FILE_NOT_FOUND")]
    assert list(dict.fromkeys(seen["requests"][1:])) == [(out.parent / wav.name).as_uri(), wav.as_uri()]


def test_player_prefers_the_recording_next_to_the_page(write_json, tmp_path, open_page):
    out, wav = _player_page(write_json, tmp_path, open_page)
    shutil.copy(wav, out.parent / wav.name)
    page, seen = open_page(out)
    assert _play_second_moment(page) == pytest.approx(4.0, abs=0.5)
    assert page.evaluate("document.getElementById('player').currentSrc") == (out.parent / wav.name).as_uri()
    assert wav.as_uri() not in seen["requests"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_player_says_where_it_looked(write_json, tmp_path, open_page, lang):
    out, wav = _player_page(write_json, tmp_path, open_page, lang)
    wav.unlink()
    page, seen = open_page(out)
    page.locator("#transcript button.t").nth(1).click()
    status = page.locator("#player-status")
    for _ in range(50):  # the page's policy forbids eval, so poll from here
        if "talk one.wav" in status.inner_text():
            break
        page.wait_for_timeout(100)
    said = status.inner_text()
    if lang == "fr":
        assert (
            said
            == f"Impossible de lire l'enregistrement. Cherché talk one.wav à côté de cette page, puis à {wav}."
        )
    else:
        assert (
            said
            == f"The recording could not be played. Looked for talk one.wav next to this page, then at {wav}."
        )
    # Both places were tried, in that order, and nothing else.
    assert list(dict.fromkeys(seen["requests"][1:])) == [(out.parent / wav.name).as_uri(), wav.as_uri()]


def test_progress_charts_start_at_zero_show_the_target_and_missing_sessions(write_json, tmp_path, open_page):
    from rehearse.renderers.html import HtmlRenderer

    analyze(session_file(write_json, tmp_path, "first", 20.0), "--save")
    report = analyze(session_file(write_json, tmp_path, "second", 36.5), "--save")
    assert report["progress"]["metrics"], "the history charts something"
    # Two questions, then a session without the figure, then one: a halving, not a crash.
    report["progress"]["sessions"] = report["progress"]["sessions"] * 2
    report["progress"]["metrics"] = {
        "questions": {"values": [2.0, None, 1.0], "min": 2.0, "max": None, "trend": "worse"},
        "longest_turn": {"values": [20.0, 36.5, None], "min": 30.0, "max": 120.0, "trend": "better"},
    }
    out = tmp_path / "progress.html"
    out.write_text(HtmlRenderer().render(report), encoding="utf-8")
    page, seen = open_page(out)
    assert seen["console"] == [] and seen["requests"] == [out.as_uri()]
    cards = page.locator("#progress .card")
    assert cards.count() == 2

    def middle(box):
        return box["y"] + box["height"] / 2

    questions = cards.nth(0)
    zero = middle(questions.locator("line.zero").bounding_box())
    two, one = (middle(questions.locator("circle.point").nth(i).bounding_box()) for i in range(2))
    assert zero > two and zero > one
    assert (zero - one) / (zero - two) == pytest.approx(0.5, abs=0.03), "drawn from zero"
    band = questions.locator("rect.band").bounding_box()
    assert band["y"] + band["height"] == pytest.approx(two, abs=1), "the band starts at the target, 2"
    assert band["y"] < two - 2, "and, with no upper bound, runs on above it"
    missing = questions.locator("circle.missing")
    assert missing.count() == 1
    assert missing.locator("title").text_content() == "session 2: no figure"
    assert middle(missing.bounding_box()) == pytest.approx(zero, abs=1)
    assert questions.locator("line.gap").count() == 1, "the line bridges the missing session, dashed"
    assert "1 session without it" in questions.inner_text()
    assert cards.nth(1).locator("circle.missing").count() == 1
    answers = cards.nth(1).locator("rect.band").bounding_box()
    assert answers["height"] > 10, "the 30 s – 2 min band"
    page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)


def test_player_shows_a_hostile_recording_path_literally(write_json, tmp_path, open_page):
    hostile = str(tmp_path / 'x"><img src=x onerror=alert(1)>#?\u202ejavascript:alert(1).wav')
    data = {
        "speakers": ["A", "B"],
        "turns": [
            {"speaker": "A", "start": 0.0, "end": 2.0, "text": "Why?"},
            {"speaker": "B", "start": 2.5, "end": 5.0, "text": "Because."},
        ],
        "audio": {"path": hostile, "duration": 5.0, "channels": 1, "sample_rate": 16000},
    }
    out = tmp_path / "pages" / "hostile.html"
    out.parent.mkdir()
    result = run_cli("analyze", "--transcript", str(write_json(data)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    page, seen = open_page(out)
    page.locator("#transcript button.t").nth(1).click()
    status = page.locator("#player-status")
    for _ in range(50):
        if "Looked for" in status.inner_text():
            break
        page.wait_for_timeout(100)
    assert "<img src=x onerror=alert(1)>" in status.inner_text(), "shown as text"
    assert page.locator("img").count() == 0
    assert not [kind for kind, _ in seen["console"] if kind == "pageerror"]
    assert all(url.startswith("file://") for url in seen["requests"])
    tried = list(dict.fromkeys(seen["requests"][1:]))
    # Next to the page, then where it was recorded: each a file URL naming the whole odd name.
    assert [url.rsplit("/", 1)[0] for url in tried] == [out.parent.as_uri(), tmp_path.as_uri()], tried
    assert all(
        url.endswith(
            "/x%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%23%3F%E2%80%AEjavascript%3Aalert%281%29.wav"
        )
        for url in tried
    )


def test_compare_page_draws_both_sessions_against_the_target(write_json, tmp_path, open_page):
    analyze(session_file(write_json, tmp_path, "before", 200.0))
    analyze(session_file(write_json, tmp_path, "after", 60.0))
    a, b = (s["id"] for s in listed_sessions())
    page_path = tmp_path / "compare.html"
    result = run_cli("compare", str(a), str(b), "--lang", "en", "--html", str(page_path))
    assert result.returncode == 0, result.stderr
    assert "Your longest turn" in result.stdout, "the terminal comparison is still printed"
    page, seen = open_page(page_path)
    assert seen["console"] == [] and seen["requests"] == [page_path.resolve().as_uri()]
    longest = page.locator("#comparison .card", has_text="Your longest turn")
    assert "A 3 min 20 s → B 1 min · closer to target" in longest.inner_text()
    assert "ok" in longest.get_attribute("class")
    before, after = (longest.locator("rect.bar").nth(i).bounding_box() for i in range(2))
    assert after["width"] / before["width"] == pytest.approx(60 / 200, abs=0.02), "both drawn from zero"
    band = longest.locator("rect.band").bounding_box()
    assert band["x"] == pytest.approx(before["x"], abs=1), "an upper bound only: the band starts at zero"
    assert band["x"] + band["width"] == pytest.approx(before["x"] + before["width"] * 150 / 200, abs=1.5)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    kept = page_path.read_bytes()
    refused = run_cli("compare", str(a), "404", "--html", str(page_path))
    assert refused.returncode == 1 and page_path.read_bytes() == kept, "a failed comparison keeps the old page"
