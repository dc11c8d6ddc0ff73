"""A draft event (never published) can be deleted by its organisers; a published one cannot,
it is cancelled instead and stays in the figures."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.events.models import Event
from elearn.extensions import db
from tests.conftest import page_text, sign_in
from tests.events.event_factories import make_event


def _events(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Event.id)))


def test_an_organiser_deletes_a_draft_and_it_is_audited(app, client, make):
    ngo = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo)
    draft = make_event(app, ngo, trainer.id, published=False)
    sign_in(client, trainer)
    assert "Ștergeți această ciornă" in page_text(client.get(f"/events/{draft}"))
    response = client.post(f"/events/{draft}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/events/manage"
    assert _events(app) == []
    assert "Ciorna a fost ștearsă." in page_text(client.get("/events/manage"))
    with app.app_context():
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "event"))
        assert (audit.action, audit.target_id, audit.actor_id) == (
            "event.draft_deleted",
            draft,
            trainer.id,
        )


def test_a_published_event_is_not_deleted_and_offers_no_such_button(app, client, make):
    ngo = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    trainer = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo)
    published = make_event(app, ngo, trainer.id)
    sign_in(client, trainer)
    assert "Ștergeți această ciornă" not in page_text(client.get(f"/events/{published}"))
    response = client.post(f"/events/{published}/delete", follow_redirects=True)
    assert "Doar o ciornă poate fi ștearsă" in page_text(response)
    assert _events(app) == [published]


def test_another_organisations_trainer_cannot_delete_a_draft(app, client, make):
    ngo = make.organisation(name="Asociația eLiberare Bihor", kind="ngo")
    other = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    owner = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo)
    draft = make_event(app, ngo, owner.id, published=False)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=other))
    assert client.post(f"/events/{draft}/delete").status_code == 403
    assert _events(app) == [draft]
