"""The HTML report in a real headless Chromium: it renders, asks nothing of the network, and plays moments."""

import json

from conftest import run_cli
from test_history import analyze, session_file


def test_html_report_is_self_contained_and_renders(write_json, tmp_path, open_page):
    # Two sessions, so the page also charts the progress between them.
    analyze(session_file(write_json, tmp_path, "first", 20.0))
    source = session_file(write_json, tmp_path, "second", 36.5)
    page_path = tmp_path / "second.html"
    result = run_cli("analyze", "--transcript", source, "--profile", "job-interview", "-o", str(page_path))
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
    assert "put the recording (second.wav) next to this page" in page.locator("#player-status").inner_text()
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
    assert "<title>A 00:00–00:03 : Pourquoi" in html and "(fichier audio) à côté de cette page" in html
    assert "Bilan écrit dans" in result.stderr
    assert "&lt;b&gt;apprendre&lt;/b&gt;" in html, "transcript text is escaped"
