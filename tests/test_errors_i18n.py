"""Errors speak the user's language: English in the code and the logs, French on a French
user's screen."""

import os

import pytest

from conftest import run_cli
from rehearse.errors import AudioError, RehearseError, TranscriptError


def _env(lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    env["LANG"] = lang
    if env.get("PYTHONPATH"):  # the command runs elsewhere: the same rehearse, wherever it is
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep))
    return env


def test_a_french_user_reads_the_error_in_french(tmp_path):
    done = run_cli("analyze", "/nonexistent.wav", cwd=tmp_path, env=_env("fr_FR.UTF-8"))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines == ["Erreur : /nonexistent.wav : fichier introuvable"]
    assert "Traceback" not in done.stderr


def test_anyone_else_reads_it_in_english(tmp_path):
    done = run_cli("analyze", "/nonexistent.wav", cwd=tmp_path, env=_env("C"))
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["Error: /nonexistent.wav: no such file"]


def test_an_error_is_english_text_and_says_itself_in_each_language():
    error = AudioError("{path}: no such file", path="talk.wav")
    assert str(error) == "talk.wav: no such file"
    assert error.args == ("talk.wav: no such file",)
    assert error.said("en") == "talk.wav: no such file"
    assert error.said("fr") == "talk.wav : fichier introuvable"


def test_an_error_within_an_error_is_translated_too():
    inner = TranscriptError('expected a JSON object with "speakers" and "turns"')
    error = TranscriptError("{path}: {problem}", path="t.json", problem=inner)
    assert str(error) == 't.json: expected a JSON object with "speakers" and "turns"'
    assert error.said("fr") == "t.json : un objet JSON avec « speakers » et « turns » était attendu"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_plain_message_still_works(lang):
    error = RehearseError("something {odd} happened")
    assert str(error) == "something {odd} happened"
    assert error.said(lang) == "something {odd} happened"
    assert str(RehearseError()) == ""
