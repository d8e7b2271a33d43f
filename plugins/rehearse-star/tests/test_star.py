from rehearse.testing import conversation, run
from rehearse_star import StarAnalyzer

FULL_EN = (
    "I: Tell me about a time you disagreed with your manager. | "
    "C: At my last job we had a release planned for Friday, and I was responsible for the billing service. "
    "I had to decide whether to ship with a known bug. I talked to my manager and proposed a one-week delay "
    "with a fix. As a result we cut support tickets by 30% that month. | "
    "I: Thanks."
)


def test_a_complete_story_has_all_four_parts():
    section = run(StarAnalyzer(), conversation(FULL_EN))
    [item] = section["items"]
    assert item["speaker"] == "C" and item["asked_by"] == "I"
    assert item["missing"] == [] and all(item["parts"].values())
    assert section["advice"] == []
    assert section["summary"].startswith("1 of 1")


def test_a_story_without_result_gets_advice():
    chat = conversation(
        "I: Give me an example of a project you led. | "
        "C: When I was at a startup, my role was to rebuild the onboarding flow for new customers. "
        "I organised interviews with ten customers and I designed a shorter form with the team. | "
        "I: Ok, and why did you leave?"
    )
    [item] = run(StarAnalyzer(), chat)["items"]
    assert item["missing"] == ["result"]
    [advice] = run(StarAnalyzer(), chat)["advice"]
    assert "end with the result" in advice and "00:00" in advice


def test_french_answers_are_judged_in_french():
    chat = conversation(
        "R: Racontez-moi une situation difficile avec un client. | "
        "C: À l'époque je travaillais dans une agence, et je devais livrer un site en deux semaines. "
        "J'ai proposé de réduire le périmètre et j'ai organisé un point chaque matin avec le client. "
        "Au final nous avons livré à temps et le client a signé un second contrat.",
        language="fr",
    )
    section = run(StarAnalyzer(), chat, lang="fr")
    [item] = section["items"]
    assert item["missing"] == []
    assert section["summary"].startswith("1 réponse(s)")


def test_short_replies_and_other_questions_are_not_judged():
    chat = conversation(
        "I: Tell me about a time you failed. | C: Hmm, let me think. | I: Why this job? | "
        "C: Because I love data and the team seems great, and the product is used by millions of people every day."
    )
    assert run(StarAnalyzer(), chat)["items"] == []
    assert run(StarAnalyzer(), chat, min_answer_words=3)["items"][0]["answer_words"] == 4
