"""The administrators' pages for learning paths: who may open them, a missing path, the whole
life of a path through the real forms, and bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.assignments.models import Assignment
from elearn.audit.models import AuditEvent
from elearn.extensions import db
from elearn.paths.models import LearningPath, LearningPathStep
from tests.conftest import page_text
from tests.paths.conftest import add_path

EN = {"Accept-Language": "en"}


@pytest.fixture
def path_id(app, courses):
    with app.app_context():
        path_id = add_path([courses["core"], courses["school"]])
        db.session.commit()
        return path_id


def urls(path_id: int) -> list[tuple[str, str]]:
    base = f"/manage/paths/{path_id}"
    return [
        ("GET", "/manage/paths/"),
        ("GET", "/manage/paths/new"),
        ("POST", "/manage/paths/new"),
        ("GET", base),
        ("POST", base),
        ("POST", f"{base}/courses"),
        ("POST", f"{base}/courses/remove"),
        ("POST", f"{base}/courses/move"),
        ("POST", f"{base}/delete"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, path_id):
    for method, url in urls(path_id):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 302 and response.location.startswith("/sign-in"), url


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MANAGER])
def test_only_administrators_may_manage_paths(app, client, as_role, path_id, role):
    as_role(role, organisation_id=None)
    for method, url in urls(path_id):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, url
    with app.app_context():
        assert len(db.session.get(LearningPath, path_id).steps) == 2


def test_a_missing_path_is_404(client, as_role, path_id):
    as_role(Role.ADMIN)
    for method, url in urls(path_id + 1)[3:]:
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 404, url


def test_an_administrator_creates_orders_changes_and_deletes_a_path(app, client, as_role, courses):
    as_role(Role.ADMIN, language="en")
    form = client.get("/manage/paths/new").get_data(as_text=True)
    assert "Course core" in form and "Course draft" not in form  # published courses only
    created = client.post(
        "/manage/paths/new",
        data={
            "title_en": "School staff",
            "title_ro": "Personalul școlii",
            "summary_en": "Core first.",
            "profession": "school_counsellor",
            "course_id": courses["core"],
        },
    )
    assert created.status_code == 302
    with app.app_context():
        path = db.session.scalar(select(LearningPath))
        path_id = path.id
        assert (path.slug, path.profession) == ("school-staff", "school_counsellor")
    assert created.location == f"/manage/paths/{path_id}#courses"
    base = f"/manage/paths/{path_id}"
    page = client.get(base).get_data(as_text=True)
    assert 'value="Personalul școlii"' in page and "Move up" not in page
    for course in ("school", "extra"):
        assert (
            client.post(f"{base}/courses", data={"course_id": courses[course]}).status_code == 302
        )
    client.post(f"{base}/courses/move", data={"course_id": courses["extra"], "direction": "up"})
    client.post(f"{base}/courses/remove", data={"course_id": courses["core"]})
    assert client.post(base, data={"title_hu": "Iskola", "profession": ""}).status_code == 302
    with app.app_context():
        path = db.session.get(LearningPath, path_id)
        assert [step.course.slug for step in path.steps] == ["extra", "school"]
        assert (path.title, path.profession) == ({"hu": "Iskola"}, None)
    listing = page_text(client.get("/manage/paths/"))
    assert "Iskola" in listing and "Everyone" in listing
    assert listing.index("Course extra") < listing.index("Course school")
    deleted = client.post(f"{base}/delete")
    assert deleted.status_code == 302 and deleted.location == "/manage/paths/"
    assert "has been deleted" in page_text(client.get("/manage/paths/"))
    with app.app_context():
        assert db.session.scalars(select(LearningPathStep)).all() == []
        logged = db.session.scalars(select(AuditEvent.action)).all()
        assert logged.count("path.changed") == 5
        assert {"path.created", "path.deleted"} <= set(logged)


def test_a_path_without_title_or_course_is_refused_with_the_reasons(app, client, as_role, courses):
    as_role(Role.ADMIN, language="en")
    response = client.post("/manage/paths/new", data={"title_ro": " ", "course_id": "0"})
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Give the path a title in at least one language." in text
    assert "Choose a course." in text
    bad_profession = client.post(
        "/manage/paths/new",
        data={"title_en": "X", "profession": "baker", "course_id": courses["core"]},
    )
    assert "Choose a profession from the list." in page_text(bad_profession)
    with app.app_context():
        assert db.session.scalars(select(LearningPath)).all() == []


def test_bad_changes_are_explained_and_change_nothing(app, client, as_role, courses, path_id):
    as_role(Role.ADMIN, language="en")
    base = f"/manage/paths/{path_id}"
    response = client.post(base, data={"title_en": "", "title_ro": "", "title_hu": ""})
    assert response.status_code == 200
    assert "Give the path a title in at least one language." in page_text(response)
    # A course already in the path is not offered, nor accepted.
    response = client.post(f"{base}/courses", data={"course_id": courses["core"]})
    assert response.status_code == 200
    assert "Choose a course from the list." in page_text(response)
    for data, words in [
        ({"course_id": courses["core"], "direction": "up"}, "cannot move further"),
        ({"course_id": courses["core"], "direction": "sideways"}, "whether to move it up or down"),
        ({"course_id": "x", "direction": "up"}, "Choose a course of the path"),
        ({"course_id": courses["extra"], "direction": "down"}, "This course is not in the path."),
    ]:
        response = client.post(f"{base}/courses/move", data=data, follow_redirects=True)
        assert words in page_text(response), data
    client.post(f"{base}/courses/remove", data={"course_id": courses["school"]})
    response = client.post(
        f"{base}/courses/remove", data={"course_id": courses["core"]}, follow_redirects=True
    )
    assert "A path needs at least one course" in page_text(response)
    with app.app_context():
        path = db.session.get(LearningPath, path_id)
        assert [step.course.slug for step in path.steps] == ["core"]
        assert path.title["en"] == "Teachers' path"


def test_a_path_an_assignment_uses_is_not_deleted(app, client, as_role, make, path_id):
    organisation_id = make.organisation()
    with app.app_context():
        db.session.add(
            Assignment(
                organisation_id=organisation_id,
                path_id=path_id,
                target_organisation_id=organisation_id,
                due_on=date(2027, 3, 1),
            )
        )
        db.session.commit()
    as_role(Role.ADMIN, language="en")
    response = client.post(f"/manage/paths/{path_id}/delete", follow_redirects=True)
    assert "This path is assigned to people, so it cannot be deleted." in page_text(response)
    with app.app_context():
        assert db.session.get(LearningPath, path_id) is not None


def test_a_post_without_its_csrf_token_is_refused(app, client, as_role, path_id):
    as_role(Role.ADMIN)
    response = client.post(f"/manage/paths/{path_id}/delete", csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(LearningPath, path_id) is not None


def test_the_administrators_navigation_links_to_the_paths(client, as_role):
    as_role(Role.ADMIN, language="en")
    assert 'href="/manage/paths/"' in client.get("/").get_data(as_text=True)
