"""Inviting from a spreadsheet: checked whole, previewed, then imported in full, imported
without its bad rows, replaced by a corrected file, or discarded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.cohorts.models import Cohort, CohortMember
from elearn.database import utcnow
from elearn.extensions import db
from elearn.invitations import spreadsheet
from elearn.invitations.models import Invitation, InvitationUpload
from elearn.signals import cohort_members_added
from tests.conftest import count_queries, page_text, sign_in
from tests.invitations.conftest import invitations, upload_file
from tests.invitations.sheets import csv_utf8, lines, romanian_excel_csv

HEADER = "Nume și prenume;Email;Profesie;Județ;Grupă"
GOOD = [
    "Ștefan Țurcanu;stefan@example.org;Cadru didactic;Timiș;Diriginți 2026",
    "Szabó Ilona;szabo@example.org;teacher;BH;Diriginți 2026",
    "Ion Pop;ion@example.org;;;",
]
BAD = "Dan Bad;dan-at-example.org;astronaut;Bihor;Diriginți 2026"


def uploads(app) -> list[InvitationUpload]:
    with app.app_context():
        found = db.session.scalars(select(InvitationUpload)).all()
        db.session.expunge_all()
        return found


def preview(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"])


def decide(client, school, upload_id, decision):
    url = f"/organisations/{school.organisation_id}/invitations/uploads/{upload_id}/import"
    return client.post(url, data={"decision": decision})


def test_romanian_excel_file_with_one_bad_row_imports_nothing_until_fixed(app, client, school):
    data = romanian_excel_csv(lines(HEADER, GOOD[0], BAD, GOOD[1]))
    page = preview(client, upload_file(client, school.organisation_id, data))
    text = page_text(page)
    assert "read as WINDOWS-1250, with columns separated by semicolons" in text
    assert "2 people can be imported" in text and "1 line has problems" in text
    assert "3 Email “dan-at-example.org” is not an email address." in text
    assert "3 Profession “astronaut” is not one of the professions" in text
    assert "This cohort will be created: Diriginți 2026" in text
    assert "Import 2 people and skip the lines with problems" in text
    assert invitations(app) == []
    (checked,) = uploads(app)
    # Importing everything is refused while a row is bad.
    response = decide(client, school, checked.id, "all")
    assert "correct the file, or choose to skip" in page_text(
        client.get(response.headers["Location"])
    )
    assert invitations(app) == [] and len(uploads(app)) == 1
    # The corrected file replaces the first.
    fixed = romanian_excel_csv(
        lines(HEADER, GOOD[0], BAD.replace("-at-", "@").replace("astronaut", "teacher"), GOOD[1])
    )
    text = page_text(preview(client, upload_file(client, school.organisation_id, fixed)))
    assert "3 new people will be invited" in text and "Import 3 people" in text
    (checked,) = uploads(app)
    response = decide(client, school, checked.id, "all")
    assert "3 invitations queued" in page_text(client.get(response.headers["Location"]))
    found = invitations(app)
    assert [i.full_name for i in found] == ["Ștefan Țurcanu", "Dan Bad", "Szabó Ilona"]
    assert all(i.sent_at is None and i.send_count == 0 for i in found)  # queued for notify
    assert found[0].language == "en" and (found[0].profession, found[0].county) == ("teacher", "TM")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        assert cohort.name == "Diriginți 2026" and {i.cohort_id for i in found} == {cohort.id}
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert {"invitations.uploaded", "invitations.imported", "cohort.created"} <= set(actions)
    assert uploads(app) == []


def test_the_good_rows_can_be_imported_and_the_bad_ones_skipped(app, client, school):
    data = csv_utf8(lines(HEADER, GOOD[0], BAD, GOOD[2]))
    preview(client, upload_file(client, school.organisation_id, data))
    (checked,) = uploads(app)
    response = decide(client, school, checked.id, "skip")
    assert "2 invitations queued" in page_text(client.get(response.headers["Location"]))
    assert [i.email for i in invitations(app)] == ["stefan@example.org", "ion@example.org"]
    with app.app_context():
        imported = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "invitations.imported")
        )
        assert imported.details["skipped_lines"] == 1 and imported.details["invite"] == 2


def test_accounts_are_invited_to_join_and_members_are_only_added_to_the_cohort(
    app, client, school, make
):
    member = make.user(email="stefan@example.org", organisation_id=school.organisation_id)
    other = make.organisation(name="Liceul Teoretic Beiuș")
    elsewhere = make.user(email="szabo@example.org", organisation_id=other)
    heard = []

    def listener(_sender, **kwargs):
        heard.append(kwargs)

    cohort_members_added.connect(listener)
    try:
        data = csv_utf8(lines(HEADER, GOOD[0], GOOD[1].upper().replace("BH", "bh"), GOOD[2]))
        text = page_text(preview(client, upload_file(client, school.organisation_id, data)))
        assert "1 new person will be invited" in text
        assert "1 person who already has an account will be invited to join" in text
        assert "1 person is already a member and will only be added to the cohort" in text
        (checked,) = uploads(app)
        decide(client, school, checked.id, "all")
    finally:
        cohort_members_added.disconnect(listener)
    found = invitations(app)
    assert sorted(i.email for i in found) == ["ion@example.org", "szabo@example.org"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 2
        assert db.session.scalars(select(CohortMember.user_id)).all() == [member.id]
    assert [h["user_ids"] for h in heard] == [[member.id]]
    assert elsewhere.id not in heard[0]["user_ids"]


def test_a_waiting_invitation_is_not_sent_again_and_an_expired_one_is_renewed(app, client, school):
    preview(client, upload_file(client, school.organisation_id, csv_utf8(lines(HEADER, GOOD[2]))))
    decide(client, school, uploads(app)[0].id, "all")
    data = csv_utf8(lines(HEADER, GOOD[2]))
    text = page_text(preview(client, upload_file(client, school.organisation_id, data)))
    assert "1 person already has an invitation waiting: it is not sent again" in text
    with freeze_time(utcnow() + timedelta(days=20)):
        sign_in(client, school.manager)
        data = csv_utf8(lines(HEADER, GOOD[2].replace("Ion Pop", "Ion Popa")))
        text = page_text(preview(client, upload_file(client, school.organisation_id, data)))
        assert "1 expired invitation will be renewed and sent again" in text
        old = invitations(app)[0]
        decide(client, school, uploads(app)[0].id, "all")
        (renewed,) = invitations(app)
        assert renewed.id == old.id and renewed.full_name == "Ion Popa"
        assert renewed.token_hash != old.token_hash and renewed.sent_at is None
        assert renewed.expires_at > utcnow() + timedelta(days=13)


def test_a_file_that_cannot_be_read_offers_no_import(app, client, school):
    page = preview(client, upload_file(client, school.organisation_id, b"PK\x03\x04...", "p.csv"))
    text = page_text(page)
    assert "whole file" in text and "not a CSV file" in text
    assert (
        "Nothing in this file can be imported" in text
        and "Import" not in text.split("Your decision")[1].split("Upload a corrected file")[0]
    )
    (checked,) = uploads(app)
    response = decide(client, school, checked.id, "skip")
    assert "Nothing in this file can be imported" in page_text(
        client.get(response.headers["Location"])
    )


def test_missing_file_and_wrong_extension_are_named(app, client, school):
    url = f"/organisations/{school.organisation_id}/invitations/upload"
    assert "Choose the file to upload." in page_text(client.post(url, data={}))
    response = upload_file(client, school.organisation_id, b"nume;email\r\n", "people.xlsx")
    assert "Upload a .csv file" in page_text(response) and uploads(app) == []


def test_a_file_over_the_limit_gets_the_page_with_a_message_not_a_bare_413(
    app, client, school, monkeypatch
):
    monkeypatch.setattr(spreadsheet, "MAX_BYTES", 1000)
    response = upload_file(client, school.organisation_id, b"x" * 200_000)
    assert response.status_code == 413
    text = page_text(response)
    assert (
        "The file is larger than 10 MB" in text and "Invite many people from a spreadsheet" in text
    )
    assert uploads(app) == []


def test_the_limit_is_raised_only_for_this_route(app, client, school):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    data = csv_utf8(lines(HEADER, *GOOD, *(f"P{i};p{i}@example.org;;;" for i in range(100))))
    assert len(data) > 1000
    assert preview(client, upload_file(client, school.organisation_id, data)).status_code == 200
    other = client.post(
        f"/organisations/{school.organisation_id}/invitations/new", data={"full_name": "x" * 2000}
    )
    assert other.status_code == 413


def test_an_upload_is_its_uploaders_alone_and_within_their_tree(app, client, school, make):
    preview(client, upload_file(client, school.organisation_id, csv_utf8(lines(HEADER, GOOD[0]))))
    (checked,) = uploads(app)
    base = f"/organisations/{school.organisation_id}/invitations/uploads/{checked.id}"
    colleague = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=school.organisation_id
    )
    other_client = app.test_client()
    sign_in(other_client, colleague)
    assert other_client.get(base).status_code == 404
    assert other_client.post(base + "/import", data={"decision": "all"}).status_code == 404
    outsider = make.user(
        roles=(Role.LEARNER, Role.MANAGER), organisation_id=make.organisation(name="Alta")
    )
    other_client = app.test_client()
    sign_in(other_client, outsider)
    assert other_client.get(base).status_code == 403
    assert other_client.post(base + "/discard").status_code == 403
    assert invitations(app) == [] and len(uploads(app)) == 1
    assert (
        client.get(f"/organisations/{school.organisation_id}/invitations/uploads/999").status_code
        == 404
    )


def test_discarding_deletes_the_rows_at_once(app, client, school):
    preview(client, upload_file(client, school.organisation_id, csv_utf8(lines(HEADER, GOOD[0]))))
    (checked,) = uploads(app)
    url = f"/organisations/{school.organisation_id}/invitations/uploads/{checked.id}/discard"
    response = client.post(url)
    assert "nothing was imported" in page_text(client.get(response.headers["Location"]))
    assert uploads(app) == [] and invitations(app) == []


def test_the_preview_costs_the_same_queries_for_5_or_300_people(app, client, school):
    def preview_of(count):
        rows = [f"Persoana {i};p{i}@example.org;teacher;BH;Grupa {i % 3}" for i in range(count)]
        response = upload_file(client, school.organisation_id, csv_utf8(lines(HEADER, *rows)))
        url = response.headers["Location"]
        client.get(url)
        return count_queries(app, lambda: client.get(url))

    assert preview_of(5) == preview_of(300)


@pytest.mark.parametrize("count", [300])
def test_importing_writes_the_invitations_set_based(app, client, school, count):
    rows = [f"Persoana {i};p{i}@example.org;teacher;BH;Grupa {i % 3}" for i in range(count)]
    preview(client, upload_file(client, school.organisation_id, csv_utf8(lines(HEADER, *rows))))
    (checked,) = uploads(app)
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        decide(client, school, checked.id, "all")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO INVITATIONS")]
    assert 1 <= len(inserts) <= 2
    assert len(statements) < 60
    assert len(invitations(app)) == count
