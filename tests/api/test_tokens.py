"""The API tokens page: a manager makes a token for organisations they manage and sees its
secret once (only its hash is kept), lists and revokes their own; creation and revocation are
audited; erasure deletes the tokens and the data download lists them without secrets."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.api.models import ApiToken
from elearn.api.services import hash_secret
from elearn.audit.models import AuditEvent
from elearn.certificates.services import today
from elearn.extensions import db
from tests.api.conftest import bearer, token_for
from tests.conftest import PASSWORD, page_text, sign_in
from tests.reporting.conftest import place

PAGE = "/account/api-tokens"


def _create(client, organisations, *, name="Monthly spreadsheet", days=90, app=None):
    with app.app_context():
        expires = (today() + timedelta(days=days)).isoformat()
    return client.post(
        PAGE, data={"name": name, "organisations": organisations, "expires_on": expires}
    )


def test_a_manager_makes_a_token_and_sees_its_secret_once(app, make, manager, school):
    client = app.test_client()
    sign_in(client, manager)
    form = page_text(client.get(PAGE))
    assert "Create a token" in form and "You have no token yet." in form
    response = _create(client, [school], app=app)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    secret = html.split('id="secret" type="text" value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("elearn_pat_") and len(secret) > 50
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.secret_hash == hash_secret(secret) and secret not in token.hint
        assert [organisation.id for organisation in token.organisations] == [school]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "api_token.created")
        )
        assert event.actor_id == manager.id and event.details["organisation_ids"] == [school]
    listing = client.get(PAGE).get_data(as_text=True)
    assert "Monthly spreadsheet" in listing and secret not in listing
    assert secret[:15] in listing  # the hint, to tell tokens apart
    assert app.test_client().get("/api/v1/organisations", headers=bearer(secret)).status_code == 200


def test_anonymous_and_learners_are_refused(app, make, school):
    assert app.test_client().get(PAGE).status_code == 302
    learner = app.test_client()
    sign_in(learner, make.user(organisation_id=school))
    assert learner.get(PAGE).status_code == 403
    assert learner.post(PAGE, data={"name": "x"}).status_code == 403


def test_bad_input_is_refused_next_to_each_field(app, make, manager, school):
    beside = make.organisation(name="Liceul Teoretic Beiuș")
    client = app.test_client()
    sign_in(client, manager)
    response = _create(client, [], name="", app=app)
    assert response.status_code == 400
    text = page_text(response)
    assert "Give the token a name." in text and "Choose at least one organisation." in text
    response = _create(client, [school], days=400, app=app)
    assert response.status_code == 400
    assert "Choose an expiry date from tomorrow to 365 days ahead." in page_text(response)
    response = _create(client, [school], days=0, app=app)
    assert response.status_code == 400
    response = _create(client, [school, beside], app=app)
    assert response.status_code == 400
    assert "Choose organisations from the list." in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_manager_may_choose_organisations_below_an_administrator_any(app, make, school):
    below = make.organisation(name="Grădinița nr. 3 Oradea")
    place(app, below, school)
    beside = make.organisation(name="Liceul Teoretic Beiuș")
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    client = app.test_client()
    sign_in(client, manager)
    assert _create(client, [below], app=app).status_code == 200
    administrator = make.user(roles=(Role.LEARNER, Role.ADMIN), language="en")
    admin = app.test_client()
    sign_in(admin, administrator)
    assert _create(admin, [beside, school], app=app).status_code == 200


def test_a_manager_without_an_organisation_is_told_why_there_is_no_form(app, make):
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), language="en")
    client = app.test_client()
    sign_in(client, manager)
    assert "You manage no organisation yet" in page_text(client.get(PAGE))


def test_revoking_stops_the_token_at_once_and_is_audited(app, make, manager, school):
    secret = token_for(app, manager, [school])
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    client = app.test_client()
    sign_in(client, manager)
    response = client.post(f"{PAGE}/{token_id}/revoke")
    assert response.status_code == 302
    assert "is revoked" in page_text(client.get(PAGE))
    assert client.post(f"{PAGE}/{token_id}/revoke").status_code == 302  # twice: no change
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
        ).all()
        assert len(events) == 1 and events[0].target_id == token_id
    assert app.test_client().get("/api/v1/organisations", headers=bearer(secret)).status_code == 401


def test_nobody_revokes_another_persons_token(app, make, manager, school):
    token_for(app, manager, [school])
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    other = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school)
    client = app.test_client()
    sign_in(client, other)
    assert client.post(f"{PAGE}/{token_id}/revoke").status_code == 404
    assert client.post(f"{PAGE}/999999/revoke").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is None


def test_the_data_download_lists_tokens_without_secrets_and_erasure_deletes_them(
    app, make, manager, school
):
    secret = token_for(app, manager, [school], name="Board report")
    client = app.test_client()
    sign_in(client, manager)
    download = client.post("/account/data/download")
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    (listed,) = json.loads(archive.read("api_tokens.json"))
    assert listed["name"] == "Board report" and listed["organisations"] == [
        "Școala Gimnazială nr. 11 Oradea"
    ]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert secret.encode() not in everything and hash_secret(secret).encode() not in everything
    response = client.post("/account/erase", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None
