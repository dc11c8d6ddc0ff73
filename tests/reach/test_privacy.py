"""The person's sessions are in their data download; erasure keeps them only as anonymous
counts (no person, no reflection)."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from elearn.extensions import db
from elearn.reach.models import ReachInvitation
from elearn.reach.notify import send_invitations
from tests.conftest import sign_in
from tests.reach.conftest import add_resource, all_sessions, record


def test_the_download_lists_the_persons_sessions(app, client, teacher, course_with_plan, make):
    poster = add_resource(app)
    record(app, teacher.id, course_with_plan, materials={poster: 30}, reflection="Went well.")
    other = make.user()
    from tests.reach.conftest import certify

    certify(app, other.id, course_with_plan)
    record(app, other.id, course_with_plan, locality="Beiuș")
    sign_in(client, teacher)
    response = client.post("/account/data/download")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        (name,) = [n for n in names if n.endswith("reach_sessions.json")]
        sessions = json.loads(archive.read(name))
    assert len(sessions) == 1
    (session,) = sessions
    assert session["locality"] == "Oradea" and session["reflection"] == "Went well."
    assert session["materials"] == [{"resource": "poster-signs", "copies": 30}]
    assert session["declared_count"] == 28 and session["age_band"] == "13-15"


def test_erasure_keeps_the_sessions_as_anonymous_counts(app, client, teacher, course_with_plan):
    record(app, teacher.id, course_with_plan, reflection="Names of pupils I should not write.")
    with app.app_context():
        send_invitations()
        assert db.session.scalar(select(ReachInvitation.id)) is not None
    sign_in(client, teacher)
    response = client.post("/account/erase", data={"understood": "y", "password": teacher.password})
    assert response.status_code == 302
    (session,) = all_sessions(app)
    assert session.user_id is None and session.reflection is None
    assert (session.declared_count, session.locality, session.profession) == (
        28,
        "Oradea",
        "teacher",
    )
    with app.app_context():
        assert db.session.scalar(select(ReachInvitation.id)) is None
