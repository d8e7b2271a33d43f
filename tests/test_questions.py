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
