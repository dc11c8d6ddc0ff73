"""Issue 16 from end to end in a real Chromium, on the shipped library: the multiplier effect.

A teacher from Oradea (who already holds the core course's certificate) completes the
teachers' course in the browser: every lesson, then the final quiz, answered rightly. She
records the session she held for 28 pupils aged 13–15 in Oradea with the course's session
plan, shows its code, and 20 phones without an account confirm it through the QR code's
address. The NGO's trainer publishes a round table; 12 people register; 10 are marked present
on the trainer's phone and receive certificates of attendance, one of them verified on the
public page. The NGO's coordinator (an administrator) then reads the cascade and the donor
report, which show exactly those figures, and the donor report's CSV says the same.

Phones at 360 px in Romanian; the coordinator at 1280 px in Hungarian; axe-core on the pages
that matter, and no page wider than the window (tests/browser/conftest.py judges every page).
The round table runs today (it began an hour ago), so that registering, taking attendance and
issuing certificates happen in one test without moving the clock.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.certificates.models import Certificate
from elearn.database import utcnow
from elearn.events.models import AttendanceCertificate
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.organisations.models import Organisation
from elearn.quizzes import answers, services
from elearn.quizzes.models import QuizAttempt
from elearn.reach.models import DeliveredSession
from tests.browser.test_dashboard import overflow, sign_in
from tests.browser.test_learner_path_journey import _publish
from tests.quizzes.test_attempts import answer_form
from tests.reach.conftest import certify

pytestmark = pytest.mark.browser

TEACHERS = "for-teachers"
PLAN = "prevention-session"
COMPLETE = "Marcați ca finalizată"
PRESENT = "Am fost prezent(ă)"
# The round table is for specialists: the cascade counts it with the trainings for
# specialists (level 1, and level 2's attendance), not among the people the specialists
# reached (docs/reporting.md, "The cascade").
CASCADE = {
    "Trénerek": "1",  # the NGO's trainer
    "Megtartott szakmai képzések": "1",
    "Résztvevők ezeken a képzéseken": "10",
    "Tanúsítványt kapott személyek": "1",  # the teacher, once for her two certificates
    "Összesen képzett": "11",
    "Megtartott foglalkozások": "1",
    "Foglalkozásokon elért emberek (bejelentve)": "28",
    "Foglalkozásokon elért emberek (megerősítve)": "20",
    "Résztvevők a többi eseményen": "0",
    "Összesen elért (bejelentve)": "28",
}
DONOR_LABELS = {
    "declared": "Elért emberek (bejelentve)",
    "confirmed": "Elért emberek (megerősítve)",
    "attendance": "Résztvevők az eseményeken",
}


@pytest.fixture
def network(app, make):
    """The NGO (the root of its network) with a partner school below it; the shipped core
    and teachers' courses, published; the teacher holding the core course's certificate."""
    ngo = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    school = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    with app.app_context():
        db.session.get(Organisation, school).parent_id = ngo
        core = _publish("understanding-trafficking")
        teachers = _publish(TEACHERS)
        db.session.commit()
        core_id, teachers_id = core.id, teachers.id
    teacher = make.user(
        full_name="Ioana Crișan", profession="teacher", county="BH", organisation_id=school
    )
    certify(app, teacher.id, core_id)
    return {"ngo": ngo, "school": school, "teacher": teacher, "version": teachers_id}


def new_phone(browser, language: str = "ro", width: int = 360):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=language)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def password_sign_in(page, live_server: str, person, then: str | None = None) -> None:
    page.goto(live_server + "/sign-in" + (f"?next={then}" if then else ""))
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("load")


def fill(page, form: dict) -> None:
    """Put an answer's form values into the question page, whatever the widget."""
    for name, value in form.items():
        values = value if isinstance(value, list) else [value]
        fields = page.locator(f"main form [name='{name}']")
        tag = fields.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            fields.first.select_option(values[0])
        elif tag.endswith(("radio", "checkbox")):
            for one in values:
                page.locator(f"main form [name='{name}'][value='{one}']").check()
        else:
            fields.first.fill(values[0])


def answer_rightly(page, app, attempt_id: int) -> None:
    """Answer every question of the attempt through its pages, rightly, and submit."""
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        enrolment = db.session.get(Enrolment, attempt.enrolment_id)
        pairs = answers.questions_of(attempt, services.quiz_by_key(enrolment, "final"))
    for number, (question, entry) in enumerate(pairs, start=1):
        assert page.url.split("#")[0].endswith(f"/attempts/{attempt_id}/{number}"), page.url
        if question["type"] == "scenario":
            tokens = {item: token for token, item in entry["tokens"].items()}
            steps = {step["id"]: step for step in question["steps"]}
            step_id = question["start"]
            while step_id:
                best = max(steps[step_id]["choices"], key=lambda c: c.get("credit", 0))
                page.locator(f"main form [name='answer'][value='{tokens[best['id']]}']").check()
                page.locator("main form button[name=go][value=stay]").click()
                page.wait_for_load_state("load")
                step_id = best.get("next")
        else:
            fill(page, answer_form(question, entry, right=True))
        last = number == len(pairs)
        page.locator(f"main form button[name=go][value={'review' if last else 'next'}]").click()
        page.wait_for_load_state("load")
    page.get_by_role("button", name="Trimiteți răspunsurile").click()
    page.wait_for_load_state("load")


def complete_the_teachers_course(page, app, live_server: str, axe) -> None:
    page.goto(f"{live_server}/courses/{TEACHERS}")
    page.locator(f"main form[action$='/courses/{TEACHERS}/enrol'] [type=submit]").click()
    page.wait_for_load_state("load")
    keys = [
        a.get_attribute("href").rsplit("/", 1)[1]
        for a in page.locator(f"main a[href*='/courses/{TEACHERS}/lessons/']").all()
    ]
    for key in dict.fromkeys(keys):
        page.goto(f"{live_server}/courses/{TEACHERS}/lessons/{key}")
        page.get_by_role("button", name=COMPLETE).click()
        page.wait_for_load_state("load")
    page.goto(f"{live_server}/courses/{TEACHERS}/quizzes/final/")
    axe.check(page)
    page.locator("form[action$='/start'] [type=submit]").click()
    page.wait_for_load_state("load")
    attempt_id = int(page.url.rsplit("/attempts/", 1)[1].split("/")[0])
    answer_rightly(page, app, attempt_id)
    axe.check(page)


def test_a_trained_teacher_and_the_ngo_reach_people_and_the_coordinator_counts_them(
    app, live_server, browser, axe, make, network
):
    teacher = network["teacher"]
    phones = []
    context, page = new_phone(browser)
    try:
        # 1. The teacher completes the teachers' course and holds its certificate.
        password_sign_in(page, live_server, teacher)
        complete_the_teachers_course(page, app, live_server, axe)
        with app.app_context():
            certificates = db.session.scalar(
                select(func.count()).where(Certificate.user_id == teacher.id)
            )
        assert certificates == 2, "the core course's and the teachers' course's"

        # 2. She records the session she holds for 28 pupils aged 13–15 in Oradea.
        page.goto(f"{live_server}/reach/new")
        axe.check(page)
        teachers_option = page.locator("#course_id option", has_text="profesori").first
        page.locator("#course_id").select_option(teachers_option.get_attribute("value"))
        page.locator("#session_plan_key").select_option(PLAN)
        page.get_by_label("Localitate").fill("Oradea")
        page.get_by_label("Județ").select_option("BH")
        page.get_by_label("Unde").select_option("school")
        page.get_by_label("Public").select_option("pupils")
        page.get_by_label("Vârsta elevilor").select_option("13-15")
        page.get_by_label("Câte persoane au participat").fill("28")
        page.get_by_role("button", name="Salvați sesiunea").click()
        page.wait_for_load_state("load")
        assert "Sesiunea a fost înregistrată." in page.locator(".flash-messages").inner_text()

        # 3. She shows its code; 20 phones confirm through the QR code's address.
        page.get_by_role("link", name="Arătați codul").click()
        page.wait_for_load_state("load")
        axe.check(page)
        code = page.locator(".reach-code").inner_text().strip()
        qr_target = f"{live_server}/reach/c/{code}"
        for number in range(20):
            phone, screen = new_phone(browser)
            phones.append(phone)
            screen.goto(qr_target)
            if number == 0:
                axe.check(screen)
            screen.get_by_role("button", name=PRESENT).click()
            screen.wait_for_load_state("load")
            assert "Vă mulțumim" in screen.locator(".flash-messages").inner_text()
            phone.close()
        page.get_by_role("link", name="Actualizați numărul").click()
        page.wait_for_load_state("load")
        assert "Confirmări până acum: 20 din 28" in page.locator(".reach-count").inner_text()
    finally:
        context.close()
    with app.app_context():
        delivered = db.session.scalars(select(DeliveredSession)).one()
        assert (delivered.declared_count, delivered.confirmed_count) == (28, 20)
        assert (delivered.audience, delivered.age_band, delivered.county) == (
            "pupils",
            "13-15",
            "BH",
        )
        assert (delivered.session_plan_key, delivered.version_id) == (PLAN, network["version"])
        assert delivered.organisation_id == network["school"]

    # 4. The NGO's trainer publishes a round table held today.
    trainer = make.user(
        full_name="Maria Pop",
        roles=(Role.LEARNER, Role.TRAINER),
        organisation_id=network["ngo"],
        profession="ngo_staff",
    )
    event_id = publish_round_table(browser, live_server, axe, trainer)

    # 5. Twelve people register, each on their own phone.
    people = [
        make.user(full_name=f"Participant {n:02d}", profession=profession)
        for n, profession in enumerate(["teacher", "social_worker", "police_officer"] * 4)
    ]
    for person in people:
        phone, screen = new_phone(browser)
        try:
            password_sign_in(screen, live_server, person, then=f"/events/{event_id}")
            screen.get_by_role("button", name="Înscrieți-vă").click()
            screen.wait_for_load_state("load")
            assert "Aveți un loc." in screen.locator("main").inner_text()
        finally:
            phone.close()

    # 6. The trainer marks ten present and issues the certificates of attendance.
    context, page = new_phone(browser)
    try:
        password_sign_in(page, live_server, trainer)
        page.goto(f"{live_server}/events/{event_id}/attendance")
        axe.check(page)
        boxes = page.locator("#attendance-list input[type=checkbox]")
        assert boxes.count() == 12
        for index in range(10):
            boxes.nth(index).check()
        page.wait_for_function(
            "() => document.querySelector('#attendance-status').textContent"
            " === 'Totul este salvat.'"
        )
        page.get_by_role("button", name="Emite certificatele de participare").click()
        page.wait_for_load_state("load")
        axe.check(page)
    finally:
        context.close()
    with app.app_context():
        codes = db.session.scalars(select(AttendanceCertificate.code)).all()
    assert len(codes) == 10

    # Anyone can verify one of them.
    context, page = new_phone(browser)
    try:
        page.goto(f"{live_server}/verify/{codes[0]}")
        assert "Participant" in page.locator("main").inner_text()
        axe.check(page)
    finally:
        context.close()

    # 7. The coordinator reads the cascade and the donor report, and downloads the CSV.
    coordinator = make.user(
        full_name="Coordonatoare ONG",
        roles=(Role.LEARNER, Role.ADMIN),
        organisation_id=network["ngo"],
        language="hu",
    )
    year = utcnow().year
    period = f"since={year}-01-01&until={year}-12-31"
    context, page = new_phone(browser, "hu", 1280)
    try:
        sign_in(page, live_server, coordinator, app)
        page.goto(f"{live_server}/reporting/reach/cascade?{period}")
        levels = page.locator("table.figures").first
        shown = {
            label: levels.locator(f"xpath=.//tr[th[normalize-space()='{label}']]/td[last()]")
            .inner_text()
            .strip()
            for label in CASCADE
        }
        assert shown == CASCADE
        axe.check(page)
        assert overflow(page) == []

        page.goto(f"{live_server}/organisations/{network['ngo']}/donor-report?{period}")
        totals = page.locator("#reach-totals-caption").locator("xpath=..")
        shown = {
            key: totals.locator("tr", has_text=label).locator("td").inner_text()
            for key, label in DONOR_LABELS.items()
        }
        assert shown == {"declared": "28", "confirmed": "20", "attendance": "10"}
        axe.check(page)

        response = page.request.get(
            f"{live_server}/organisations/{network['ngo']}/donor-report?{period}&format=csv"
        )
        assert response.ok
        rows = list(csv.reader(io.StringIO(response.text())))
        for label, value in zip(DONOR_LABELS.values(), shown.values(), strict=True):
            assert [label, value] in [row[1:3] for row in rows], (label, rows[:40])
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)


def local_time(page, *, hours: int) -> str:
    """Now plus ``hours`` in the platform's time zone, as a datetime-local field wants it."""
    return page.evaluate(
        """hours => new Intl.DateTimeFormat("sv-SE", {timeZone: "Europe/Bucharest",
            year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
            minute: "2-digit"}).format(new Date(Date.now() + hours * 3600e3)).replace(" ", "T")""",
        hours,
    )


def publish_round_table(browser, live_server: str, axe, trainer) -> int:
    """The trainer publishes a round table in Oradea that began an hour ago; its id."""
    context, page = new_phone(browser)
    try:
        password_sign_in(page, live_server, trainer)
        page.goto(f"{live_server}/events/new")
        axe.check(page)
        starts, ends = local_time(page, hours=-1), local_time(page, hours=3)
        page.select_option("#kind", "round_table")
        page.fill("#title", "Masă rotundă: rețeaua din Bihor împotriva traficului")
        page.fill("#description", "Școlile, poliția și DGASPC Bihor: cum lucrăm împreună.")
        page.fill("#starts_at", starts)
        page.fill("#ends_at", ends)
        page.select_option("#county", "BH")
        page.fill("#locality", "Oradea")
        page.fill("#venue", "Casa de Cultură, Str. Republicii 1")
        page.check("#languages-0")
        page.fill("#capacity", "20")
        page.get_by_role("button", name="Salvați").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Publicați evenimentul").click()
        page.wait_for_load_state("load")
        axe.check(page)
        return int(page.url.rstrip("/").rsplit("/", 1)[1])
    finally:
        context.close()
