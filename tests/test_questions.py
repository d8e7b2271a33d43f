import pytest

from rehearse.language.questions import classify


@pytest.mark.parametrize(
    "text, kind, form",
    [
        ("How do you handle disagreements in a team?", "open", "wh"),
        ("Why did you leave your last job", "open", "wh"),  # Whisper dropped the "?"
        ("What does a typical day look like for your team?", "open", "wh"),
        ("Tell me about a project you are proud of.", "open", "prompt"),
        ("Could you walk me through your last release?", "open", "prompt"),
        ("Could you start by telling me about yourself?", "open", "prompt"),
        ("Are you comfortable with being on call?", "closed", "yes-no"),
        ("Do you like remote work", "closed", "yes-no"),
        ("Is the team remote or in the office?", "closed", "choice"),
        ("How many people are in the team?", "closed", "wh"),
        ("When can you start?", "closed", "wh"),
        ("You have worked here long?", "closed", "declarative"),
        ("That was hard, right?", "closed", "tag"),
    ],
)
def test_english_questions(text, kind, form):
    found = classify(text, "en")
    assert found is not None and (found.kind, found.form) == (kind, form)


@pytest.mark.parametrize(
    "text",
    [
        "What I mean is that we shipped it on time.",
        "When I joined, the team was small.",
        "How I did it is a long story.",
        "I have worked as an engineer for six years.",
        "Yes, I am.",
    ],
)
def test_english_statements(text):
    assert classify(text, "en") is None


@pytest.mark.parametrize(
    "text, kind, form",
    [
        ("Pourquoi avez-vous quitté votre dernier poste ?", "open", "wh"),
        ("Comment gérez-vous les désaccords dans une équipe", "open", "wh"),  # no "?"
        ("Comment est-ce que vous organisez votre semaine ?", "open", "wh"),
        ("Qu'est-ce que vous attendez de ce poste ?", "open", "wh"),
        ("Parlez-moi de votre parcours.", "open", "prompt"),
        ("Racontez-moi un échec.", "open", "prompt"),
        ("En quoi ce projet vous a-t-il fait progresser ?", "open", "wh"),
        ("Est-ce que vous en avez parlé à votre responsable ?", "closed", "yes-no"),
        ("Est-ce que vous préférez le bureau ou le télétravail ?", "closed", "choice"),
        ("Avez-vous travaillé en équipe", "closed", "yes-no"),  # inversion, no "?"
        ("L'équipe travaille-t-elle à distance ?", "closed", "yes-no"),
        ("Vous travaillez ici depuis longtemps ?", "closed", "declarative"),
        ("C'était difficile, n'est-ce pas ?", "closed", "tag"),
        ("Quand pouvez-vous commencer ?", "closed", "wh"),
        ("Combien de personnes compte l'équipe ?", "closed", "wh"),
    ],
)
def test_french_questions(text, kind, form):
    found = classify(text, "fr")
    assert found is not None and (found.kind, found.form) == (kind, form)


@pytest.mark.parametrize(
    "text",
    [
        "Comme je le disais, nous avons livré à temps.",
        "Quand je suis arrivé, l'équipe était petite.",
        "Comment dire, c'était compliqué.",
        "Je suis ingénieur depuis six ans.",
        "Oui, plusieurs fois.",
        "Où j'habite, il y a peu de transports.",
    ],
)
def test_french_statements(text):
    assert classify(text, "fr") is None


def test_unknown_language_tries_both_rule_sets():
    assert classify("Pourquoi avez-vous choisi ce poste", None).kind == "open"
    assert classify("Did you enjoy it", None).kind == "closed"


@pytest.mark.parametrize(
    "text, language, kind, form",
    [
        # which / quel + noun: open unless the noun asks for one fact.
        ("Quelles décisions avez-vous prises ?", "fr", "open", "wh"),
        ("Quelle conclusion tirez-vous de cette situation ?", "fr", "open", "wh"),
        ("Quels obstacles avez-vous rencontrés", "fr", "open", "wh"),  # no "?"
        ("À quelle heure commence la journée ?", "fr", "closed", "wh"),
        ("Quel est votre salaire actuel ?", "fr", "closed", "wh"),
        ("Quel âge avez-vous ?", "fr", "closed", "wh"),
        ("Which obstacles did you face?", "en", "open", "wh"),
        ("Which obstacles did you face", "en", "open", "wh"),
        ("What decisions did you make on that project?", "en", "open", "wh"),
        ("What does your day look like?", "en", "open", "wh"),
        ("What time do you start?", "en", "closed", "wh"),
        ("What is your name?", "en", "closed", "wh"),
        # A discourse marker before the question does not hide it.
        ("But how did you convince them?", "en", "open", "wh"),
        ("And so why did you leave", "en", "open", "wh"),
        ("Et pourquoi avez-vous choisi ce poste ?", "fr", "open", "wh"),
        ("Alors, comment avez-vous fait ?", "fr", "open", "wh"),
        ("Mais quand pouvez-vous commencer ?", "fr", "closed", "wh"),
        ("You know what, how did you convince them?", "en", "open", "wh"),
        # The voice rose at the end of a sentence Whisper closed with a full stop.
        ("Vous avez fini.", "fr", "closed", "declarative"),
    ],
)
def test_harder_forms(text, language, kind, form):
    found = classify(text, language, rising=text == "Vous avez fini.")
    assert found is not None and (found.kind, found.form) == (kind, form)


@pytest.mark.parametrize(
    "text, language",
    [
        ("You know what I mean?", "en"),
        ("You know what, Ann, it's like, I mean,", "en"),
        ("You know what, Anne?", "en"),
        ("It was hard, you know?", "en"),
        ("Tu vois ?", "fr"),
        ("C'était compliqué, tu vois ?", "fr"),
        ("Tu sais quoi, j'ai dit non.", "fr"),
        ("Vous avez fini.", "fr"),  # the same words, said falling
        ("Commentaire suivant.", "fr"),  # "comment" is a whole word only
    ],
)
def test_asks_nothing(text, language):
    assert classify(text, language) is None


def test_a_grammar_file_adds_a_language(monkeypatch):
    import tomllib

    from rehearse.language.questions import Grammar, grammars

    assert set(grammars()) >= {"en", "fr"}
    spanish = Grammar.parse(
        tomllib.loads(
            'open_words = ["cómo", "por qué"]\nfact_words = ["cuándo"]\n'
            'auxiliaries = ["has", "es"]\nalternative = "o"\n'
        )
    )
    monkeypatch.setitem(grammars(), "es", spanish)
    assert classify("Cómo has resuelto el problema?", "es") == classify("How did you solve it?", "en")
    assert classify("Cuándo empiezas?", "es").kind == "closed"


@pytest.mark.parametrize("rise, asked", [(4.2, True), (1.0, False), (None, False)])
def test_a_sentence_said_rising_is_a_question_even_with_a_full_stop(rise, asked):
    """The rise measured on a sentence's last word (rehearse.audio.pitch) reaches the questions,
    and survives a saved report read back with --transcript."""
    from rehearse.language.questions import find
    from rehearse.testing import from_dict

    word = {"speaker": "B", "start": 1.0, "end": 1.4, "text": " fini.", "probability": 0.9}
    data = {
        "speakers": ["A", "B"],
        "language": "fr",
        "attribution": "channels",
        "words": [
            {"speaker": "B", "start": 0.2, "end": 0.6, "text": " Vous", "probability": 0.9},
            {"speaker": "B", "start": 0.6, "end": 1.0, "text": " avez", "probability": 0.9},
            {**word, **({"rise": rise} if rise is not None else {})},
        ],
        "segments": [{"speaker": "B", "start": 0.2, "end": 1.4}, {"speaker": "A", "start": 2.0, "end": 2.6}],
        "turns": [
            {"speaker": "B", "start": 0.2, "end": 1.4, "text": "Vous avez fini."},
            {"speaker": "A", "start": 2.0, "end": 2.6, "text": "Oui."},
        ],
    }
    data["words"].append({"speaker": "A", "start": 2.0, "end": 2.6, "text": " Oui.", "probability": 0.9})
    found = find(from_dict(data))
    assert [(q.text.strip(), q.form) for q in found] == (
        [("Vous avez fini.", "declarative")] if asked else []
    )


@pytest.mark.parametrize(
    "text, language",
    [
        # A relative word straight before a verb, or before a subject and its verb, refers back
        # to what was said before: a statement, not a question.
        ("Which is sort of at the end of the Bay of Fundy.", "en"),
        ("Which was a good thing, in the end", "en"),
        ("Which I did alone.", "en"),
        ("The team, which I led, shipped it on time.", "en"),
        ("I worked on a team, which was great.", "en"),
        ("I led the project, which I did alone.", "en"),
        ("I have a manager, who is great.", "en"),
        ("Lequel est au bout de la baie.", "fr"),
        ("Laquelle était la meilleure des trois", "fr"),
        ("Ce qui est au bout de la baie.", "fr"),
        ("J'ai un manager, qui est très bien.", "fr"),
        ("Le projet, lequel était difficile, a réussi.", "fr"),
        # "quel que", "quoi que": concessive clauses.
        ("quel que soit le poste, j'apprends.", "fr"),
        ("Quelle que soit la situation, je reste calme", "fr"),
        ("Quoi qu'il en soit, j'ai appris.", "fr"),
    ],
)
def test_relative_clauses_ask_nothing(text, language):
    assert classify(text, language) is None


@pytest.mark.parametrize(
    "text, language, kind, form",
    [
        # A noun after the question word, or the subject inverted after the auxiliary: asked.
        ("Which team did you lead?", "en", "closed", "wh"),
        ("Which obstacles did you face", "en", "open", "wh"),
        ("Which did you choose", "en", "open", "wh"),
        ("Who did you report to", "en", "closed", "wh"),
        ("Who is your manager", "en", "closed", "wh"),  # "who" opens no sentence as a relative
        ("So, who is your manager", "en", "closed", "wh"),
        # The same words as a relative clause, asked by the question mark.
        ("Which is better, Python or Go?", "en", "open", "wh"),
        ("When you joined, who was your manager?", "en", "closed", "wh"),
        ("Quelle équipe avez-vous dirigée ?", "fr", "closed", "wh"),
        ("Lequel préférez-vous", "fr", "closed", "wh"),
        ("Lequel est le mieux ?", "fr", "closed", "wh"),
        ("Vous avez trois offres sur la table, laquelle retenez-vous ?", "fr", "closed", "wh"),
        ("Selon vous, qui est le meilleur candidat ?", "fr", "closed", "wh"),
        # After a concessive clause the question mark makes a statement asked, not a wh-question.
        ("Quel que soit le poste, vous apprenez vite ?", "fr", "closed", "declarative"),
    ],
)
def test_question_words_that_could_be_relatives(text, language, kind, form):
    found = classify(text, language)
    assert found is not None and (found.kind, found.form) == (kind, form)


def _said(*utterances, language="en"):
    """A conversation of (speaker, start, end, text) utterances, each word given an equal share
    of its utterance's time, read as a saved transcript is."""
    from rehearse.testing import from_dict

    words, segments, turns = [], [], []
    for speaker, start, end, text in utterances:
        said = text.split()
        step = (end - start) / len(said)
        words += [
            {"speaker": speaker, "start": start + k * step, "end": start + (k + 1) * step, "text": " " + w}
            for k, w in enumerate(said)
        ]
        segments.append({"speaker": speaker, "start": start, "end": end})
        turns.append({"speaker": speaker, "start": start, "end": end, "text": text})
    return from_dict(
        {
            "speakers": ["A", "B"],
            "language": language,
            "attribution": "channels",
            "words": words,
            "segments": segments,
            "turns": turns,
        }
    )


def test_a_question_said_across_a_pause_is_found_once_whole():
    from rehearse.language.questions import find

    conversation = _said(
        ("A", 0.0, 3.0, "Did you get any feedback from the"),
        ("A", 3.8, 5.0, "specification?"),
        ("B", 5.5, 7.0, "Yes, quite a lot."),
    )
    assert len(conversation.utterances) == 3
    found = [(q.speaker, q.start, q.end, q.text, q.form) for q in find(conversation)]
    assert found == [("A", 0.0, 5.0, "Did you get any feedback from the specification?", "yes-no")]


def test_a_question_goes_on_over_the_others_backchannel():
    from rehearse.language.questions import find

    conversation = _said(
        ("A", 0.0, 3.0, "So what did you learn from the"),
        ("B", 3.2, 3.6, "Mm-hmm."),
        ("A", 3.8, 5.0, "specification?"),
        ("B", 5.5, 7.0, "Quite a lot."),
    )
    assert [u.backchannel for u in conversation.utterances] == [False, True, False, False]
    found = [(q.start, q.end, q.text, q.kind) for q in find(conversation)]
    assert found == [(0.0, 5.0, "So what did you learn from the specification?", "open")]


def test_no_sentence_goes_on_after_the_other_took_the_floor():
    from rehearse.language.questions import find

    conversation = _said(
        ("A", 0.0, 2.0, "What did you learn from"),
        ("B", 2.5, 5.0, "From the launch, a great deal."),
        ("A", 5.5, 6.5, "Did it help you?"),
    )
    found = [(q.start, q.end, q.text) for q in find(conversation)]
    assert found == [(0.0, 2.0, "What did you learn from"), (5.5, 6.5, "Did it help you?")]


def test_a_sentence_finished_before_the_pause_is_not_joined():
    from rehearse.language.questions import find

    conversation = _said(
        ("A", 0.0, 2.0, "That went well."),
        ("A", 2.8, 4.0, "Which team did you lead?"),
        ("B", 4.5, 6.0, "The platform team."),
    )
    found = [(q.start, q.end, q.text) for q in find(conversation)]
    assert found == [(2.8, 4.0, "Which team did you lead?")]


def test_french_relative_said_across_a_pause_stays_a_statement():
    from rehearse.language.questions import find

    conversation = _said(
        ("B", 0.0, 2.0, "On habitait à Saint-Jean,"),
        ("B", 2.6, 5.0, "laquelle est au bout de la baie."),
        ("A", 5.5, 7.5, "Quelle équipe avez-vous dirigée ?"),
        language="fr",
    )
    found = [(q.speaker, q.text, q.kind) for q in find(conversation)]
    assert found == [("A", "Quelle équipe avez-vous dirigée ?", "closed")]
