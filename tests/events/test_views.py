"""The event pages through the client: who may open them, scope, missing events, the happy
paths and bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.events.models import Event
from elearn.extensions import db
from tests.conftest import sign_in
from tests.events.event_factories import make_event, register, statuses

DAY = (date.today() + timedelta(days=40)).isoformat()


def event_form(**overrides) -> dict:
    data = {
        "kind": "round_table",
        "title": "Masă rotundă: rețeaua locală",
        "description": "Cu **poliția** și școlile.",
        "starts_at": f"{DAY}T10:00",
        "ends_at": f"{DAY}T12:30",
        "county": "BH",
        "locality": "Oradea",
        "venue": "Casa de Cultură, Str. Republicii 1",
        "online_url": "",
        "audience": "specialists",
        "professions": ["teacher", "police_officer"],
        "languages": ["ro", "hu"],
        "capacity": "12",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def ngo(make):
    return make.organisation(name="Asociația eLiberare Bihor", kind="ngo")


@pytest.fixture
def trainer(make, ngo):
    return make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo)


def ics_text(content) -> str:
    """An attachment's text (the mail library keeps text/* attachments as str)."""
    return content.decode() if isinstance(content, bytes) else content


def event_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event))


# Who may open what


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/new"),
        ("get", "/events/manage"),
        ("get", "/events/mine"),
        ("post", "/events/{id}/register"),
        ("post", "/events/{id}/cancel-registration"),
        ("get", "/events/{id}/edit"),
        ("post", "/events/{id}/publish"),
        ("post", "/events/{id}/cancel"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, ngo, trainer, method, path):
    event_id = make_event(app, ngo, trainer.id)
    response = getattr(client, method)(path.format(id=event_id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_anonymous_visitors_see_the_list_the_page_and_the_calendar(app, client, ngo, trainer):
    event_id = make_event(app, ngo, trainer.id)
    assert client.get("/events/").status_code == 200
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert "semnele exploatării" in page.get_data(as_text=True)
    assert client.get(f"/events/{event_id}/calendar.ics").mimetype == "text/calendar"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/new"),
        ("get", "/events/manage"),
        ("get", "/events/{id}/edit"),
        ("post", "/events/{id}/publish"),
        ("post", "/events/{id}/cancel"),
    ],
)
def test_a_learner_cannot_organise(app, client, ngo, trainer, as_role, method, path):
    event_id = make_event(app, ngo, trainer.id, published=False)
    as_role(Role.LEARNER, organisation_id=ngo)
    assert getattr(client, method)(path.format(id=event_id)).status_code == 403


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MANAGER])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/{id}/edit"),
        ("post", "/events/{id}/publish"),
        ("post", "/events/{id}/cancel"),
    ],
)
def test_another_organisations_organiser_is_refused(
    app, client, make, ngo, trainer, as_role, role, method, path
):
    event_id = make_event(app, ngo, trainer.id, published=False)
    other = make.organisation(name="Școala Gimnazială nr. 1 Cluj", kind="school", county="CJ")
    as_role(role, organisation_id=other)
    assert getattr(client, method)(path.format(id=event_id)).status_code == 403
    assert client.get(f"/events/{event_id}").status_code == 404  # a draft: not theirs to see
    assert "semnele exploatării" not in client.get("/events/manage").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/999999"),
        ("get", "/events/999999/calendar.ics"),
        ("post", "/events/999999/register"),
        ("post", "/events/999999/cancel-registration"),
        ("get", "/events/999999/edit"),
        ("post", "/events/999999/publish"),
        ("post", "/events/999999/cancel"),
    ],
)
def test_a_missing_event_is_not_found(client, ngo, as_role, method, path):
    as_role(Role.TRAINER, organisation_id=ngo)
    assert getattr(client, method)(path).status_code == 404


def test_a_draft_is_hidden_from_everyone_but_its_organisers(app, client, make, ngo, trainer):
    event_id = make_event(app, ngo, trainer.id, published=False)
    assert client.get(f"/events/{event_id}").status_code == 404
    assert client.get(f"/events/{event_id}/calendar.ics").status_code == 404
    sign_in(client, make.user())
    assert client.post(f"/events/{event_id}/register").status_code == 404
    organiser = app.test_client()
    sign_in(organiser, trainer)
    assert organiser.get(f"/events/{event_id}").status_code == 200


# Publishing


def test_a_trainer_creates_a_draft_in_local_time_and_publishes_it(app, client, ngo, trainer):
    sign_in(client, trainer)
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=event_form())
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(select(Event))
        event_id = event.id
        assert event.organisation_id == ngo and event.published_at is None
        # 10:00 in Bucharest is 08:00 or 07:00 UTC, by the season.
        local = datetime.fromisoformat(f"{DAY}T10:00").replace(tzinfo=UTC)
        assert timedelta(hours=2) <= local - event.starts_at <= timedelta(hours=3)
        assert event.languages == ["ro", "hu"] and event.capacity == 12
        assert event.professions == ["teacher", "police_officer"]
        assert "<strong>poliția</strong>" in event.description_html
    assert "rețeaua locală" not in client.get("/events/").get_data(as_text=True)
    assert client.post(f"/events/{event_id}/publish").status_code == 303
    assert "rețeaua locală" in client.get("/events/").get_data(as_text=True)


def test_an_administrator_chooses_the_organisation(app, client, make, as_role):
    other = make.organisation(name="DGASPC Bihor", kind="social_assistance")
    as_role(Role.ADMIN)
    assert "DGASPC Bihor" in client.get("/events/new").get_data(as_text=True)
    response = client.post("/events/new", data=event_form(organisation_id=str(other)))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Event.organisation_id)) == other


def test_a_trainer_without_a_confirmed_organisation_is_told_why(client, make, ngo):
    person = make.user(
        roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo, membership_confirmed=False
    )
    sign_in(client, person)
    response = client.get("/events/new", follow_redirects=True)
    assert "organizație confirmată" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": f"{DAY}T09:00"}, "Sfârșitul trebuie să fie după început."),
        ({"online_url": "http://meet.example.org/x"}, "trebuie să înceapă cu https://"),
        ({"capacity": "0"}, "cel puțin 1"),
        ({"capacity": "-5"}, "cel puțin 1"),
        ({"capacity": "twelve"}, "număr întreg"),
        ({"languages": None}, "cel puțin o limbă"),
        ({"starts_at": "18 March"}, "Introduceți data și ora"),
        ({"title": ""}, "title-error"),
        ({"county": "", "locality": "", "online_url": ""}, "un link online sau amândouă"),
        ({"kind": "party"}, "Alegeți un tip de eveniment din listă."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(app, client, trainer, overrides, message):
    sign_in(client, trainer)
    response = client.post("/events/new", data=event_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert event_count(app) == 0


def test_the_messages_come_in_the_readers_language(app, client, make, ngo):
    person = make.user(roles=(Role.LEARNER, Role.TRAINER), organisation_id=ngo, language="hu")
    sign_in(client, person)
    response = client.post("/events/new", data=event_form(capacity="0"))
    assert "A létszámkeret legalább 1 legyen" in response.get_data(as_text=True)


def test_editing_keeps_the_local_times_and_raises_the_calendar_version(app, client, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id)
    sign_in(client, trainer)
    page = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert 'name="starts_at"' in page
    response = client.post(f"/events/{event_id}/edit", data=event_form(title="Nou titlu"))
    assert response.status_code == 303
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.title == "Nou titlu" and event.calendar_sequence == 1
    again = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert f'value="{DAY}T10:00"' in again


def test_a_manager_above_the_organisation_edits_its_events(app, client, make, trainer, ngo):
    from elearn.organisations import tree
    from elearn.organisations.models import Organisation

    network = make.organisation(name="Rețeaua regională", kind="ngo")
    with app.app_context():
        tree.set_parent(db.session.get(Organisation, ngo), network, by_id=None)
        db.session.commit()
    event_id = make_event(app, ngo, trainer.id, published=False)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=network))
    assert client.get(f"/events/{event_id}/edit").status_code == 200
    assert "semnele exploatării" in client.get("/events/manage").get_data(as_text=True)


def test_the_organisers_list_counts_places_and_waiting(app, client, make, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id, capacity=1)
    make_event(app, ngo, trainer.id, published=False, title="Atelier nepublicat")
    for _ in range(3):
        register(app, event_id, make.user().id)
    sign_in(client, trainer)
    html = client.get("/events/manage").get_data(as_text=True)
    assert "Atelier nepublicat" in html and "ciornă" in html
    assert "<td>1</td>\n      <td>2</td>\n      <td>1</td>" in html


# Registering


def test_registering_books_a_place_and_mails_the_calendar_file(
    app, client, make, trainer, ngo, outbox
):
    event_id = make_event(app, ngo, trainer.id, online_url="https://meet.example.org/abc")
    person = make.user()
    sign_in(client, person)
    assert "meet.example.org" not in client.get(f"/events/{event_id}").get_data(as_text=True)
    response = client.post(f"/events/{event_id}/register", follow_redirects=True)
    assert "Locul dumneavoastră este rezervat" in response.get_data(as_text=True)
    assert "https://meet.example.org/abc" in response.get_data(as_text=True)
    assert statuses(app, event_id) == {person.id: "registered"}
    [mail] = [m for m in outbox if m.to == [person.email]]
    [(name, content, mimetype)] = mail.attachments
    assert name == f"event-{event_id}.ics" and mimetype.startswith("text/calendar")
    entry = Calendar.from_ical(content).events[0]
    assert "https://meet.example.org/abc" in str(entry["DESCRIPTION"])


def test_the_thirteenth_person_joins_the_waiting_list_and_gets_a_freed_place(
    app, client, make, trainer, ngo, outbox
):
    event_id = make_event(app, ngo, trainer.id, capacity=12)
    people = [make.user() for _ in range(12)]
    for person in people:
        register(app, event_id, person.id)
    thirteenth = make.user(email="ilona@example.org", language="hu")
    sign_in(client, thirteenth)
    response = client.post(f"/events/{event_id}/register", follow_redirects=True)
    assert "várólistá" in response.get_data(as_text=True)
    leaving = app.test_client()
    sign_in(leaving, people[0])
    leaving.post(f"/events/{event_id}/cancel-registration")
    assert statuses(app, event_id)[thirteenth.id] == "registered"
    assert statuses(app, event_id)[people[0].id] == "cancelled"
    waiting, place = [m for m in outbox if m.to == ["ilona@example.org"]]
    assert not waiting.attachments and place.attachments  # the calendar file with the place
    assert waiting.subject == "Ön a várólistán van"  # in the person's language
    assert place.subject == "Felszabadult egy hely az Ön számára"


def test_registering_twice_says_so(app, client, make, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id)
    sign_in(client, make.user())
    client.post(f"/events/{event_id}/register")
    response = client.post(f"/events/{event_id}/register", follow_redirects=True)
    assert "deja înscris" in response.get_data(as_text=True)


def test_cancelling_without_a_registration_says_so(app, client, make, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id)
    sign_in(client, make.user())
    response = client.post(f"/events/{event_id}/cancel-registration", follow_redirects=True)
    assert "Nu sunteți înscris" in response.get_data(as_text=True)


def test_registering_without_a_csrf_token_is_refused(app, client, make, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id)
    sign_in(client, make.user())
    assert client.post(f"/events/{event_id}/register", csrf=False).status_code == 400
    assert statuses(app, event_id) == {}


def test_cancelling_the_event_tells_everyone_registered_or_waiting(
    app, client, make, trainer, ngo, outbox
):
    event_id = make_event(app, ngo, trainer.id, capacity=1)
    first, second, gone = make.user(), make.user(), make.user()
    for person in (gone, first, second):
        register(app, event_id, person.id)
    leaving = app.test_client()
    sign_in(leaving, gone)
    leaving.post(f"/events/{event_id}/cancel-registration")
    outbox.clear()
    sign_in(client, trainer)
    assert client.post(f"/events/{event_id}/cancel").status_code == 303
    told = sorted(m.to[0] for m in outbox)
    assert told == sorted([first.email, second.email])
    assert "STATUS:CANCELLED" in ics_text(outbox[0].attachments[0][1])
    assert "a fost anulat" in client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "semnele exploatării" not in client.get("/events/").get_data(as_text=True)


def test_my_events_lists_places_and_the_waiting_list(app, client, make, trainer, ngo):
    full = make_event(app, ngo, trainer.id, capacity=1, title="Atelier plin")
    register(app, full, make.user().id)
    open_ = make_event(app, ngo, trainer.id, title="Seminar deschis")
    person = make.user()
    register(app, full, person.id)
    register(app, open_, person.id)
    sign_in(client, person)
    html = client.get("/events/mine").get_data(as_text=True)
    assert "Atelier plin" in html and "pe lista de așteptare" in html
    assert "Seminar deschis" in html and "loc rezervat" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("county=CJ", "Atelier Cluj", "Masă rotundă Oradea"),
        ("kind=workshop", "Atelier Cluj", "Masă rotundă Oradea"),
        ("language=hu", "Masă rotundă Oradea", "Atelier Cluj"),
        ("county=nonsense", "Masă rotundă Oradea", None),
    ],
)
def test_the_list_filters_by_county_kind_and_language(
    app, client, trainer, ngo, query, shown, hidden
):
    make_event(app, ngo, trainer.id, title="Masă rotundă Oradea", languages=["ro", "hu"])
    make_event(
        app, ngo, trainer.id, title="Atelier Cluj", kind="workshop", county="CJ", locality="Cluj"
    )
    html = client.get(f"/events/?{query}").get_data(as_text=True)
    assert shown in html
    if hidden:
        assert hidden not in html


def test_raising_the_capacity_mails_those_who_get_a_place(app, client, make, trainer, ngo, outbox):
    event_id = make_event(app, ngo, trainer.id, capacity=1)
    register(app, event_id, make.user().id)
    waiting = make.user(email="waiting@example.org")
    register(app, event_id, waiting.id)
    sign_in(client, trainer)
    outbox.clear()
    response = client.post(f"/events/{event_id}/edit", data=event_form(capacity="2"))
    assert response.status_code == 303
    assert statuses(app, event_id)[waiting.id] == "registered"
    assert [m.to for m in outbox] == [["waiting@example.org"]]
    assert outbox[0].subject == "S-a eliberat un loc pentru dumneavoastră"


def test_the_capacity_cannot_be_lowered_below_the_places_taken(app, client, make, trainer, ngo):
    event_id = make_event(app, ngo, trainer.id, capacity=5)
    for _ in range(3):
        register(app, event_id, make.user().id)
    sign_in(client, trainer)
    response = client.post(f"/events/{event_id}/edit", data=event_form(capacity="2"))
    assert response.status_code == 200
    assert "3 persoane au deja un loc" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event_id).capacity == 5


def test_a_lost_race_on_the_unique_registration_gives_a_clear_message(
    app, client, make, trainer, ngo, monkeypatch
):
    """Two requests of the same person that both passed the check: the database's unique
    constraint refuses the second, which says so instead of failing."""
    from sqlalchemy.exc import IntegrityError

    from elearn.events import services

    event_id = make_event(app, ngo, trainer.id)
    sign_in(client, make.user())

    def lost_race(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, Exception("uq_event_registrations_event_id_user_id"))

    monkeypatch.setattr(services, "register", lost_race)
    response = client.post(f"/events/{event_id}/register", follow_redirects=True)
    assert response.status_code == 200
    assert "Sunteți deja înscris la acest eveniment." in response.get_data(as_text=True)
