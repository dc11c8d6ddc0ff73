"""A lesson names the DGASPC of the learner's county where the directory has a verified entry,
and the national number everywhere else; the stored HTML itself never changes per learner."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from elearn.courses.models import CourseVersion
from elearn.extensions import db
from tests.conftest import count_queries, sign_in
from tests.content.helpers import edit, valid_files
from tests.learning.conftest import import_files

BIHOR_NUMBER = "0259 476 371"  # elearn/data/contacts.yaml, docs/contacts-sources.md
FALLBACK = 'national number: <a href="tel:119"><strong>119</strong></a>'
LESSON = "/courses/test-course/lessons/welcome"


def course_with_dgaspc() -> dict[str, bytes]:
    files = edit(valid_files(), "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    for language in ("ro", "en"):
        files = edit(
            files,
            f"lessons/welcome.{language}.md",
            "{{contact:anitp-helpline}}.",
            "{{contact:anitp-helpline}}. For a child: {{contact:dgaspc}}.",
        )
    return files


def lesson_page(client, make, **kwargs) -> str:
    sign_in(client, make.user(language="en", **kwargs))
    client.post("/courses/test-course/enrol")
    response = client.get(LESSON, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_learner_in_bihor_sees_the_bihor_dgaspc_number(app, client, make):
    import_files(app, course_with_dgaspc())
    page = lesson_page(client, make, county="BH")
    assert f'DGASPC Bihor (<a href="tel:0259476371"><strong>{BIHOR_NUMBER}' in page
    assert FALLBACK not in page


def test_a_learner_outside_romania_sees_the_national_number(app, client, make):
    import_files(app, course_with_dgaspc())
    page = lesson_page(client, make, county="abroad")
    assert FALLBACK in page
    assert BIHOR_NUMBER not in page


def test_a_learner_in_a_county_without_an_entry_sees_the_national_number(app, client, make):
    import_files(app, course_with_dgaspc())
    page = lesson_page(client, make, county="CJ")
    assert FALLBACK in page
    assert BIHOR_NUMBER not in page


def test_outside_romania_the_organisations_county_is_used(app, client, make):
    import_files(app, course_with_dgaspc())
    school = make.organisation(name="Liceul Teoretic Oradea", county="BH")
    page = lesson_page(client, make, county="abroad", organisation_id=school)
    assert BIHOR_NUMBER in page


def test_the_stored_lesson_keeps_the_fallback_whoever_reads_it(app, client, make):
    version_id = import_files(app, course_with_dgaspc())
    lesson_page(client, make, county="BH")
    with app.app_context():
        version = db.session.get(CourseVersion, version_id)
        stored = version.lessons[0].html["en"]
    assert '<span class="contact" data-contact="dgaspc">' in stored
    assert FALLBACK in stored
    assert BIHOR_NUMBER not in stored


def test_the_county_costs_the_lesson_page_no_query(app, make):
    import_files(app, course_with_dgaspc())
    school = make.organisation(name="Liceul Teoretic Oradea", county="BH")
    people = {
        "BH": make.user(language="en", county="BH"),
        "abroad": make.user(language="en", county="abroad"),
        "CJ": make.user(language="en", county="CJ"),
        "abroad, school in BH": make.user(language="en", county="abroad", organisation_id=school),
    }
    counts = {}
    with freeze_time("2026-12-06 10:00:00") as clock:
        for county, person in people.items():
            client = app.test_client()
            sign_in(client, person)
            client.post("/courses/test-course/enrol")
            client.get(LESSON)
            clock.tick(60)
            counts[county] = count_queries(app, lambda client=client: client.get(LESSON))
    assert len(set(counts.values())) == 1, counts


def test_versions_rendered_before_county_contacts_get_them_when_rendered_again(app, runner):
    version_id = import_files(app, course_with_dgaspc())
    with app.app_context():
        version = db.session.get(CourseVersion, version_id)
        old = '<span class="contact"><strong>The DGASPC of your county</strong></span>'
        for lesson in version.lessons:
            lesson.html = {language: old for language in lesson.html}
        version.contacts_hash = "0" * 16  # rendered with an older directory
        db.session.commit()
    result = runner.invoke(args=["courses", "rerender"])
    assert result.exit_code == 0, result.output
    assert "1 version(s) rendered again" in result.output
    with app.app_context():
        version = db.session.scalar(select(CourseVersion).where(CourseVersion.id == version_id))
        assert '<span class="contact" data-contact="dgaspc">' in version.lessons[0].html["en"]
