from rehearse.language.scripts import foreign


def test_words_of_the_language_stay():
    for word in ("déjà", "être", "Noël", "l'œuvre", "naïve", "2024", "C++", "—", "ça?"):
        assert not foreign(word, "fr"), word
    assert not foreign("Привет", "ru")
    assert not foreign("日本語です", "ja")


def test_debris_goes():
    assert foreign("d'être滿ouant", "fr")  # a CJK letter inside a French word
    assert foreign("mಠm", "fr")  # Kannada
    assert foreign("m\ufffd\ufffd?", "fr")  # a character cut in the middle of its bytes
    assert foreign("Привет", "en")
    assert foreign("안녕", "fr")


def test_an_unlisted_language_is_checked_for_broken_characters_only():
    assert not foreign("Привет", "xx")
    assert not foreign("Привет", None)
    assert foreign("a\ufffd", None)


def test_debris_is_dropped_from_the_report_and_counted_in_a_note(tmp_path):
    """A transcriber that returns Whisper's kind of debris among real words: the report keeps the
    words, drops the debris, and says how many went, in the report's language."""
    import json

    from conftest import AUDIO, run_cli

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "debris.py").write_text(
        "from rehearse import SpeechToText, TranscriberBackend, Transcription, Word, hookimpl\n"
        "WORDS = [(0.5, 0.9, ' Bonjour'), (1.0, 1.4, \" d'être滿ouant\"), (1.5, 1.9, ' merci'),\n"
        "         (2.0, 2.4, ' m\\ufffd\\ufffd?'), (2.5, 2.9, ' beaucoup.')]\n"
        "class Model(SpeechToText):\n"
        "    batch_windows = 1\n"
        "    def transcribe(self, audio, windows, progress=None, language=None):\n"
        "        return Transcription([Word(a, b, t, probability=0.9) for a, b, t in WORDS], 'fr', 1.0)\n"
        "    def transcribe_clips(self, channel, spans, language):\n"
        "        return []\n"
        "class Debris(TranscriberBackend):\n"
        "    name = 'debris'\n"
        "    def load(self, model, **kwargs):\n"
        "        return Model()\n"
        "@hookimpl\n"
        "def register_transcribers(register):\n"
        "    register(Debris())\n",
        encoding="utf-8",
    )
    result = run_cli(
        "analyze", str(AUDIO / "fr-interview-mono.m4a"), "--transcriber", "debris", "--plugins-dir", str(folder),
        "--format", "json", "--no-save",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    said = " ".join(w["text"] for w in report["words"])
    assert "Bonjour" in said and "beaucoup" in said
    assert "滿" not in said and "\ufffd" not in said
    assert any(note.startswith("2 mots écartés") for note in report["notes"]), report["notes"]
