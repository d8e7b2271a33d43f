"""Hostile text in a report — a transcript, a speaker's label, a file name, a note, a plugin's
section — is shown, never obeyed: no HTML, link, image or structure from it in Markdown, no
escape sequence, control or markup from it on a terminal, and no script or style from it in the
HTML page."""

import json
import re
import sqlite3
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from conftest import on_a_terminal, run_cli
from rehearse import history
from rehearse.renderers.html import HtmlRenderer
from rehearse.renderers.markdown import MarkdownRenderer
from rehearse.renderers.terminal import TerminalRenderer

ESC = "\x1b"
# HTML, a remote image, links, an autolink; terminal sequences that clear the screen, retitle the
# window, make an OSC 8 link and switch to the alternate screen; a C1 CSI; bidi override and
# isolate; Rich markup; and Markdown blocks, code, emphasis and attributes across line breaks.
HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> ![pixel](http://evil.example/p.png) "
    "[click](http://evil.example/) <http://evil.example/auto> "
    f"{ESC}[2J{ESC}]0;pwned\x07 {ESC}]8;;http://evil.example/\x07link{ESC}]8;;\x07 {ESC}[?1049h "
    "\x9b2J \u202eevil\u202c \u2066iso\u2069 [bold red]markup[/] [link=http://evil.example/]l[/link] "
    "# heading\n* item\n> quote | cell | `code` **strong** ~~gone~~ {onclick=x}\r"
)
# What the reader must see of it, whatever the format.
SHOWN = [
    "<script>alert(1)</script> <img src=x onerror=alert(2)> ![pixel](http://evil.example/p.png) "
    "[click](http://evil.example/) <http://evil.example/auto>",
    "[bold red]markup[/] [link=http://evil.example/]l[/link]",
    "# heading * item > quote | cell | `code` **strong** ~~gone~~ {onclick=x}",
]
STAND_INS = "␛[2J␛]0;pwned␇ ␛]8;;http://evil.example/␇link␛]8;;␇ ␛[?1049h �2J �evil� �iso�"
# Controls (but the line feed) and bidirectional embeddings, overrides and isolates.
UNSHOWN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What Rich itself writes to a terminal: colours, line erasing, hiding and showing the cursor.
RICH_OWN = re.compile(r"\x1b\[(?:[0-9;]*m|2K|\?25[hl])|\r")


def hostile_transcript(write_json, tmp_path, third: bool = False) -> str:
    """A transcript whose every field is hostile; with ``third``, a third speaker answers the second
    question as long as the first speaker answered the first, so that who is you is only a guess
    and a terminal is asked."""
    audio = tmp_path / f"{ESC}]0;title\x07<img src=x onerror=alert(5)> [x](javascript:alert(6)) \u202e.wav"
    answers = ("S1", 3.5, 45, "S1", 48.5, 55)
    if third:
        answers = ("S1", 3.5, 25, "S3", 28.5, 50)
    return str(
        write_json(
            {
                "speakers": [
                    {"id": "S1", "label": f"Ann {HOSTILE}"},
                    {"id": "S2", "label": f"Bob {HOSTILE}"},
                    *([{"id": "S3", "label": f"Cy {HOSTILE}"}] if third else []),
                ],
                "language": "en",
                "model": HOSTILE,
                "notes": [HOSTILE],
                "audio": {"path": str(audio), "duration": 60.0, "channels": 2, "sample_rate": 16000},
                "turns": [
                    {"speaker": "S2", "start": 0, "end": 3, "text": f"Why did you leave? {HOSTILE}"},
                    {
                        "speaker": answers[0],
                        "start": answers[1],
                        "end": answers[2],
                        "text": f"I wanted bigger problems. {HOSTILE}",
                    },
                    {
                        "speaker": "S2",
                        "start": answers[2] + 0.5,
                        "end": answers[4] - 0.5,
                        "text": "What would you do differently?",
                    },
                    {
                        "speaker": answers[3],
                        "start": answers[4],
                        "end": answers[5],
                        "text": "More tests." + (f" {HOSTILE}" if third else ""),
                    },
                ],
            },
            "hostile.json",
        )
    )


@pytest.fixture
def hostile_report(write_json, tmp_path) -> dict:
    """A report of the hostile transcript, with a plugin's section and a failed one as hostile."""
    result = run_cli(
        "analyze", "--transcript", hostile_transcript(write_json, tmp_path), "--profile", "job-interview",
        "--no-save", "-f", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    report["analyzers"]["plugin"] = {
        "title": f"Plugin {HOSTILE}",
        "summary": HOSTILE,
        "moments": [{"time": 1.0, "speaker": "S1", "label": HOSTILE, "text": HOSTILE, "uncertain": True}],
        "advice": [HOSTILE],
    }
    report["analyzers"]["crashed"] = {"title": "Crashed", "error": HOSTILE}
    report["coaching"]["note"] = HOSTILE
    report["coaching"]["scorecard"][0].update(label=HOSTILE, shown=HOSTILE, source=HOSTILE)
    return report


WIDE = 200  # wide enough for the hostile text on one line


def assert_shown_not_obeyed(text: str) -> None:
    assert not UNSHOWN.findall(text)
    assert "http://evil.example/auto" in text
    for piece in [*SHOWN, STAND_INS]:
        assert piece in text


class Html(HTMLParser):
    """The elements, attributes and text of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text += data


def test_markdown_shows_hostile_data_as_text(hostile_report):
    markdown = MarkdownRenderer().render(hostile_report)
    assert not UNSHOWN.findall(markdown), "safe to print on a terminal too"
    page = Html(MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown))
    made = {"h1", "h2", "p", "ul", "ol", "li", "strong", "em", "code", "blockquote"}
    assert set(page.tags) <= made | {"table", "thead", "tbody", "tr", "th", "td"}
    assert page.attributes == [], "no href, src or event handler"
    assert page.tags.count("h1") == 1
    assert page.tags.count("h2") == markdown.count("\n## ")
    # Markup would have consumed its marks: every piece of the hostile text still reads whole.
    assert_shown_not_obeyed(page.text)


def test_markdown_escapes_only_what_could_mean_something(write_json, tmp_path):
    # The first speaker's label opens summary lines ("1. Interviewer 21% (4 s); …"), where it
    # would start a list; elsewhere punctuation, numbers and file names read as written.
    transcript = {
        "speakers": [{"id": "S1", "label": "1. Interviewer"}, {"id": "S2", "label": "Jean-Marc"}],
        "audio": {
            "path": str(tmp_path / "mock_interview_2.wav"),
            "duration": 30.0,
            "channels": 1,
            "sample_rate": 16000,
        },
        "turns": [
            {
                "speaker": "S1",
                "start": 0,
                "end": 4,
                "text": "Is 3.5 years at 72% load (on v2.0) too much - honestly?",
            },
            {"speaker": "S2", "start": 4.5, "end": 20, "text": "No: I shipped it on time, twice!"},
        ],
    }
    result = run_cli("analyze", "--transcript", str(write_json(transcript)), "--no-save", "-f", "markdown")
    assert result.returncode == 0, result.stderr
    markdown = result.stdout
    assert "“Is 3.5 years at 72% load (on v2.0) too much - honestly?”" in markdown
    assert "mock_interview_2.wav" in markdown and "Jean-Marc" in markdown
    assert set(re.findall(r"\\.", markdown)) == {"\\."}, "the one escape: a label that would start a list"
    page = Html(MarkdownIt("commonmark").enable("table").render(markdown))
    assert page.tags.count("ol") == 1, "only the three things to work on are a numbered list"
    assert page.text.count("1. Interviewer") == markdown.count("Interviewer"), "each reads whole"


@pytest.mark.parametrize("color", [False, True])
def test_terminal_report_shows_hostile_data_literally(hostile_report, color):
    shown = TerminalRenderer().render(hostile_report, color=color, width=WIDE)
    if not color:
        assert ESC not in shown
    assert_shown_not_obeyed(RICH_OWN.sub("", shown))
    # Wrapped to a narrow terminal, the same characters are shown, only moved to other lines.
    narrow = RICH_OWN.sub("", TerminalRenderer().render(hostile_report, color=color, width=60))
    assert_shown_not_obeyed(" ".join(narrow.split()))


def test_analyze_on_a_terminal_shows_hostile_data_literally(write_json, tmp_path):
    # A real terminal: rehearse asks which speaker is you, quoting each, then prints in colour.
    seen = on_a_terminal(
        "analyze", "--transcript", hostile_transcript(write_json, tmp_path, third=True), "--no-save"
    )
    assert "Which speaker is you?" in seen and "\x1b[1m" in seen, seen
    question, report = seen.split("You are", 1)
    for shown in (question, report):
        assert_shown_not_obeyed(RICH_OWN.sub("", shown))


def test_history_lists_hostile_sessions_literally(write_json, tmp_path, private_data_dir):
    transcript = hostile_transcript(write_json, tmp_path)
    result = run_cli(
        "analyze",
        "--transcript",
        transcript,
        "--profile",
        "job-interview",
        "--me",
        "S1",
        "-f",
        "json",
        "--save",
    )
    assert result.returncode == 0, result.stderr
    kept = json.loads(result.stdout)
    # A history file holds what was written to it, by this version of rehearse or another.
    with sqlite3.connect(private_data_dir / history.FILE_NAME) as db:
        db.execute("UPDATE sessions SET profile = ?, recorded_at = ?", (HOSTILE, f"2024-05-01 {ESC}[2J"))

    listing = on_a_terminal("history")
    assert not UNSHOWN.findall(listing), listing
    assert (
        "2024-05-01 ␛[2J" in listing
        and "<img src=x onerror=alert(5)> [x](javascript:alert(6)) �.wav" in listing
    )
    assert "␛]0;title␇" in listing and "<script>alert(1)</script> <i" in listing
    assert "Your longest turn" in on_a_terminal("progress")

    for args in (["history", "--json"], ["history", "--show", "1"], ["progress", "--json"]):
        printed = run_cli(*args)
        assert printed.returncode == 0, printed.stderr
        assert not UNSHOWN.findall(printed.stdout), args
        assert (
            "\\u001b]0;title\\u0007<img src=x onerror=alert(5)> [x](javascript:alert(6)) \\u202e.wav"
            in printed.stdout
        )
    assert json.loads(run_cli("history", "--show", "1").stdout)["turns"] == kept["turns"]
    assert json.loads(run_cli("history", "--json").stdout)[0]["profile"] == HOSTILE


def test_html_page_runs_its_own_script_and_style_only(hostile_report, tmp_path, open_page):
    html = HtmlRenderer().render(hostile_report)
    page_path = tmp_path / "report.html"
    page_path.write_text(html, encoding="utf-8")
    page, seen = open_page(page_path)
    assert seen["console"] == [], "the page's own style and script break no rule"
    assert page.locator("script").count() == 1 and page.locator("img").count() == 0
    assert SHOWN[0] in page.locator("#transcript").inner_text()
    colours = "[...document.querySelectorAll('#transcript .who')].map(e => getComputedStyle(e).color)"
    assert set(page.evaluate(colours)) == {"rgb(47, 111, 223)", "rgb(217, 130, 43)"}, (
        "its style sheet applies"
    )
    page.locator("#transcript button.t").first.click()
    page.wait_for_timeout(300)
    assert "next to this page" in page.locator("#player-status").inner_text(), "its script runs"

    # Had markup slipped into the page, the policy would stop it: inline script, an event
    # handler, a style element and a style attribute.
    slipped = (
        "<script>document.title = 'ran'</script>"
        '<img id="pixel" src="data:," onerror="document.title = \'ran\'">'
        '<style>#slipped { color: rgb(1, 2, 3) }</style><p id="slipped" style="background: red">x</p>'
    )
    injected_path = tmp_path / "injected.html"
    injected_path.write_text(html.replace("</main>", slipped + "</main>"), encoding="utf-8")
    page, seen = open_page(injected_path)
    page.wait_for_timeout(300)
    assert page.title() != "ran"
    slipped_style = "getComputedStyle(document.getElementById('slipped'))"
    assert page.evaluate(f"{slipped_style}.color") != "rgb(1, 2, 3)"
    assert page.evaluate(f"{slipped_style}.backgroundColor") == "rgba(0, 0, 0, 0)"
    blocked = " ".join(text for kind, text in seen["console"] if "Content Security Policy" in text)
    for what in ("inline script", "inline event handler", "inline style"):
        assert what in blocked, seen["console"]
    assert set(page.evaluate(colours)) == {"rgb(47, 111, 223)", "rgb(217, 130, 43)"}
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy and "unsafe" not in policy.group(1)
