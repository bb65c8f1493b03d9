"""The Learn page through Django's test client: both languages, anyone, the drawing's nodes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from coach import protocol
from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.learn import anatomy
from hipcoach.learn.anatomy import Evidence

MODEL = anatomy.load()
LANGUAGES = ["en", "ja"]


class Page(HTMLParser):
    """The parts of the page the tests look at: elements by tag and attributes, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def find(self, tag: str, cls: str = "") -> list[dict[str, str]]:
        return [
            attrs
            for t, attrs in self.elements
            if t == tag and (not cls or cls in attrs.get("class", "").split())
        ]

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.elements if "id" in attrs]


def get(client: Client, language: str) -> tuple[Page, str]:
    response = client.get(f"/{language}/learn/")
    assert response.status_code == 200
    html = response.content.decode()
    return Page(html), html


@pytest.fixture
def patient(db: None) -> User:
    clinic = Clinic.objects.create(name="Test Clinic", whatsapp_url="https://wa.me/810000000000")
    user = User.objects.create_user(username="pat", password="pw-for-tests", role=Role.PATIENT)
    user.clinic = clinic
    user.save()
    return user


@pytest.mark.parametrize("language", LANGUAGES)
def test_anyone_may_read_it_with_every_structure_named_in_the_page_language(
    db: None, language: str
) -> None:
    page, _ = get(Client(), language)
    text = page.all_text()
    for s in MODEL.structures:
        assert s.name.get(language) in text, s.id
        assert s.description.get(language) in text, s.id
    for r in MODEL.relations:
        assert MODEL.sentence(r, language) in text
    other = "en" if language == "ja" else "ja"
    assert MODEL.structure("psoas_minor").description.get(other) not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_established_anatomy_and_the_clinic_s_explanation_are_separate_blocks(
    db: None, language: str
) -> None:
    page, _ = get(Client(), language)
    teaching = MODEL.teaching.localised(language)
    text = page.all_text()
    assert page.find("div", "learn-evidence-established")
    assert page.find("div", "learn-evidence-hypothesis")
    for key in ("established_heading", "hypothesis_heading", "safety_heading", "why_heading"):
        assert str(teaching[key]) in text, key
    for key in ("established", "hypothesis", "safety", "why"):
        for paragraph in teaching[key]:
            assert paragraph in text, key
    # The clinic's ideas are marked as such wherever they are listed.
    label = MODEL.evidence_words[Evidence.CLINIC_HYPOTHESIS].get(language)
    hypotheses = MODEL.relations_with(Evidence.CLINIC_HYPOTHESIS)
    assert len(page.find("strong", "learn-badge")) == sum(
        2
        for _ in hypotheses  # listed under both of its ends
    )
    assert text.count(label) >= len(hypotheses)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stretch_steps_and_tips_come_from_the_protocol(db: None, language: str) -> None:
    page, _ = get(Client(), language)
    stretch = protocol.load()
    text = page.all_text()
    for item in (*stretch.setup_steps, *stretch.tips):
        assert item.get(language) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_drawing_has_one_focusable_named_node_per_structure(db: None, language: str) -> None:
    page, _ = get(Client(), language)
    nodes = page.find("a", "learn-node")
    assert [n["data-id"] for n in nodes] == [s.id for s in MODEL.structures]
    ids = page.ids()
    for node in nodes:
        s = MODEL.structure(node["data-id"])
        assert node["tabindex"] == "0"
        assert s.name.get(language) in node["aria-label"]
        assert MODEL.kinds[s.kind].get(language) in node["aria-label"]
        # Without JavaScript, a node leads to the part's entry in the list.
        assert node["href"] == f"#part-{s.id}"
        assert f"part-{s.id}" in ids
    assert len(ids) == len(set(ids)), "ids must be unique"
    edges = page.find("g", "learn-edge")
    assert len(edges) == len(MODEL.relations)
    svg = page.find("svg", "learn-svg")[0]
    assert svg["role"] == "group"
    assert svg["aria-labelledby"] in ids


def test_no_inline_script_or_style(db: None) -> None:
    page, html = get(Client(), "en")
    for script in page.find("script"):
        assert script.get("src"), "inline scripts are blocked by the Content-Security-Policy"
    assert not any("style" in attrs for _, attrs in page.elements)
    assert "<style" not in html
    assert [s["src"] for s in page.find("script")] == ["/static/hipcoach/learn/learn.js"]
    assert page.find("script")[0]["type"] == "module"


def test_numbers_in_the_drawing_are_not_localised(db: None) -> None:
    _, html = get(Client(), "ja")
    assert 'viewBox="0 0 800.0 1040.0"' in html


def test_signed_in_it_has_the_site_layout_and_the_clinic_contact(patient: User) -> None:
    client = Client()
    client.force_login(patient)
    page, _ = get(client, "en")
    links = [a.get("href") for a in page.find("a")]
    assert "/en/learn/" in links  # the nav link
    assert "#contact-heading" in links  # the safety box points at the clinic's contact
    assert "contact-heading" in page.ids()


def test_anonymous_visitors_get_no_contact_link(db: None) -> None:
    page, _ = get(Client(), "en")
    assert "#contact-heading" not in [a.get("href") for a in page.find("a")]


def test_clinicians_get_no_link_to_a_patient_contact_block(db: None) -> None:
    clinic = Clinic.objects.create(name="Test Clinic", whatsapp_url="https://wa.me/810000000000")
    doctor = User.objects.create_user(
        username="doc", password="pw-for-tests", role=Role.CLINICIAN, clinic=clinic
    )
    client = Client()
    client.force_login(doctor)
    page, _ = get(client, "en")
    assert "#contact-heading" not in [a.get("href") for a in page.find("a")]
    assert "contact-heading" not in page.ids()


# Honest teaching: what each language must say, in words a test can hold on to.
CORE_CARE = {
    "en": (
        "Exercise and learning about your condition are the core of care",
        "NICE NG226, 2022",
        "OARSI guideline for knee, hip and polyarticular osteoarthritis (2019)",
    ),
    "ja": ("ケアの中心は、運動と、病気について知ること", "NICE NG226、2022年", "OARSI、2019年"),
}
ADJUNCT = {
    "en": ("Stretching is an extra, not the core", "little research"),
    "ja": ("ストレッチは補助で、ケアの中心ではありません", "研究は少なく"),
}
NO_SINGLING_OUT = {
    "en": ("No stretch can single out the psoas minor", "iliopsoas", "as a whole"),
    "ja": ("小腰筋だけを選んで伸ばすことはできません", "腸腰筋", "全体"),
}
HOLD = {
    "en": ("30–60 seconds", "American College of Sports Medicine", "between 20 and 60 seconds"),
    "ja": ("30〜60秒", "米国スポーツ医学会（ACSM）", "20〜60秒"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_says_exercise_and_education_come_first_and_stretching_is_an_extra(
    db: None, language: str
) -> None:
    page, _ = get(Client(), language)
    text = page.all_text()
    for phrase in (*CORE_CARE[language], *ADJUNCT[language], *NO_SINGLING_OUT[language]):
        assert phrase in text, phrase
    # The core-care message comes before the clinic's reasons for the stretch.
    assert text.index(CORE_CARE[language][0]) < text.index(
        str(MODEL.teaching.localised(language)["why_heading"])
    )
    assert page.find("section", "learn-care")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hold_time_is_explained_with_the_acsm_range(db: None, language: str) -> None:
    page, _ = get(Client(), language)
    text = page.all_text()
    for phrase in HOLD[language]:
        assert phrase in text, phrase
    assert "Garber" in text


def test_no_uncited_claim_that_a_stiff_hip_front_makes_walking_harder(db: None) -> None:
    en, _ = get(Client(), "en")
    ja, _ = get(Client(), "ja")
    assert "makes it harder to stand tall and walk" not in en.all_text()
    assert "楽に歩くことが難しくなります" not in ja.all_text()
    # Where walking is linked to the hip's extension, the studies are named.
    for study in ("Hurwitz", "Eitzen", "Kumar"):
        assert study in en.all_text()
        assert study in ja.all_text()
    # The clinic's aim at the psoas minor is no longer presented as something the stretch does.
    assert "Your clinic also aims the stretch at the small psoas minor" not in en.all_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_emergency_is_said_plainly(db: None, language: str) -> None:
    page, _ = get(Client(), language)
    expected = {
        "en": "call an ambulance (119 in Japan)",
        "ja": "119番に電話して救急車を呼んでください",
    }
    assert expected[language] in page.all_text()
