"""The weekly digest's list of who is overdue in the manager's tree: name, course, due date
and days overdue, the longest overdue first, capped with "and N more" and a link to everyone
overdue on the dashboard; in the manager's language."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from elearn.certificates.services import today
from elearn.extensions import db
from elearn.reporting import digest as digest_module
from elearn.reporting.digest import build_digest, schedule
from tests.assignments.factories import assign
from tests.conftest import count_statements, page_text, sign_in
from tests.reporting.conftest import learner
from tests.reporting.test_digest import at, figures_of, manager, next_monday, run


def overdue_block(body: str) -> list[str]:
    """The lines of the plain-text email's overdue list, up to the link."""
    block = body.split("\nOverdue\n", 1)[1].split("Everyone overdue:", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_digest_lists_who_is_overdue_the_longest_first(app, make, assigned, outbox):
    boss = manager(make, assigned["isj"])
    monday = next_monday(app)
    with app.app_context():
        day = today()
    outbox.clear()
    run(app, at(monday))
    body = outbox[0].body
    dan = (monday - (day - timedelta(days=40))).days
    ana = (monday - (day - timedelta(days=3))).days
    due_dan = (day - timedelta(days=40)).strftime("%-d %B %Y")
    assert overdue_block(body) == [
        f"Dan Notenrolled, Test course: due on {due_dan}, {dan} days overdue",
        f"Ana Enrolled, Test course: due on "
        f"{(day - timedelta(days=3)).strftime('%-d %B %Y')}, {ana} days overdue",
    ]
    assert "Pending" not in body and "Gone" not in body
    figures = figures_of(body)
    assert [figures[label] for label in ("Assigned", "Met on time", "Met late", "Overdue")] == [
        "5",
        "1",
        "1",
        "2",
    ]
    assert figures["Due within 14 days"] == "1"
    html = outbox[0].alternatives[0][0]
    assert "Dan Notenrolled" in html and "<td style" in html and str(dan) in html
    # The link leads the manager to everyone overdue.
    link = body.split("Everyone overdue: ", 1)[1].split()[0]
    assert link.endswith(f"/organisations/{assigned['isj']}/dashboard/people?status=overdue")
    client = app.test_client()
    sign_in(client, boss)
    parts = urlsplit(link)
    text = page_text(client.get(f"{parts.path}?{parts.query}"))
    assert "Dan Notenrolled" in text and "Ana Enrolled" in text


def test_a_long_list_is_cut_with_and_n_more(app, make, assigned, outbox, monkeypatch):
    monkeypatch.setattr(digest_module, "OVERDUE_LISTED", 1)
    manager(make, assigned["isj"])
    outbox.clear()
    run(app, at(next_monday(app)))
    lines = overdue_block(outbox[0].body)
    assert len(lines) == 2 and lines[0].startswith("Dan Notenrolled")
    assert lines[1] == "and 1 more"
    assert "and 1 more" in outbox[0].alternatives[0][0]


def test_a_school_managers_digest_lists_only_their_school(app, make, assigned, outbox):
    manager(make, assigned["b"])
    outbox.clear()
    run(app, at(next_monday(app)))
    assert "\nOverdue\n" not in outbox[0].body  # Elena met hers, late
    assert "Dan" not in outbox[0].body


def test_the_overdue_list_speaks_the_managers_language(app, make, assigned, outbox):
    manager(make, assigned["isj"], language="ro")
    outbox.clear()
    run(app, at(next_monday(app)))
    body = outbox[0].body
    assert "\nÎntârziat\n" in body
    assert "Dan Notenrolled, Curs de test: termen " in body and "zile întârziere" in body


def test_building_a_digest_with_overdue_people_takes_as_many_queries_for_many(app, make, assigned):
    def statements() -> int:
        def work():
            when = schedule(at(next_monday(app)))
            build_digest(assigned["isj"], when, when.until)

        return count_statements(app, work)

    few = statements()
    for index in range(6):
        person, _browser = learner(app, make, assigned["b"], name=f"Extra {index}")
        with app.app_context():
            assign(person.id, assigned["course"], today() - timedelta(days=index + 1))
            db.session.commit()
    assert statements() == few
