"""Sessions are ended on the server: a copied cookie is dead after sign-out or idle timeout."""

from __future__ import annotations

from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import User, UserSession
from elearn.extensions import db
from tests.conftest import sign_in


def copy_cookies(source, target, names=("session", "remember_token")) -> None:
    """What someone with a moment at the keyboard (or a stolen backup) could take."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def records(app, person) -> list[UserSession]:
    with app.app_context():
        return db.session.scalars(select(UserSession).where(UserSession.user_id == person.id)).all()


def test_a_copied_session_cookie_is_refused_after_sign_out(app, client, make):
    person = make.user()
    sign_in(client, person)
    thief = app.test_client()
    copy_cookies(client, thief)
    assert thief.get("/account").status_code == 200  # the copy works while the session lives
    client.post("/sign-out")
    assert thief.get("/account").status_code == 302
    [record] = records(app, person)
    assert record.revoked_at is not None


def test_a_copied_keep_me_signed_in_cookie_is_refused_after_sign_out(app, client, make):
    person = make.user()
    sign_in(client, person, remember=True)
    thief = app.test_client()
    copy_cookies(client, thief, names=("remember_token",))
    assert thief.get("/account").status_code == 200  # the remember cookie alone signs in
    client.post("/sign-out")
    fresh = app.test_client()
    copy_cookies(thief, fresh, names=("remember_token",))
    assert fresh.get("/account").status_code == 302


def test_an_idle_session_is_not_revived_by_a_made_up_remember_cookie(app, client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        thief = app.test_client()
        copy_cookies(client, thief)
        clock.tick(31 * 60)
        thief.set_cookie("remember_token", "anything at all")
        assert thief.get("/account").status_code == 303
        assert thief.get("/account").status_code == 302
        # The session ended on the server: the original browser is signed out as well.
        assert client.get("/account").status_code == 302


def test_a_copy_of_an_old_cookie_does_not_outlive_the_idle_timeout(app, client, make):
    """The time of the last activity is the server's, not the one in a cookie."""
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        clock.tick(20 * 60)
        client.get("/account")
        thief = app.test_client()
        copy_cookies(client, thief)
        clock.tick(31 * 60)
        assert thief.get("/account").status_code == 303


def test_keep_me_signed_in_survives_a_long_pause_but_not_forever(app, client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person, remember=True)
        clock.tick(3 * 3600)
        assert client.get("/account").status_code == 200
        clock.tick(15 * 24 * 3600)
        assert client.get("/account").status_code != 200


def test_the_last_activity_is_written_at_most_once_a_minute(app, client, make):
    person = make.user()
    with freeze_time("2026-11-29 10:00:00") as clock:
        sign_in(client, person)
        [before] = records(app, person)
        clock.tick(30)
        client.get("/account")
        assert records(app, person)[0].last_seen_at == before.last_seen_at
        clock.tick(40)
        client.get("/account")
        assert records(app, person)[0].last_seen_at > before.last_seen_at


def test_a_password_reset_ends_every_session_on_the_server(app, client, make):
    from elearn.accounts import services

    person = make.user()
    sign_in(client, person)
    with app.app_context():
        token = services.password_reset_token(db.session.get(User, person.id))
    other = app.test_client()
    response = other.post(
        f"/password/reset/{token}",
        data={"password": "new harbour lantern 77", "confirm": "new harbour lantern 77"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert all(record.revoked_at is not None for record in records(app, person))


def test_a_cookie_from_before_server_side_sessions_signs_nobody_in(app, client, make):
    person = make.user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{person.id}:0"
        session["_fresh"] = True
    assert client.get("/account").status_code == 302


def test_session_records_are_in_the_data_download_and_go_with_an_erasure(app, client, make):
    import io
    import json
    import zipfile

    person = make.user()
    sign_in(client, person, remember=True)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data))
    [entry] = json.loads(archive.read("sessions.json"))
    assert entry["kept_signed_in"] is True and entry["ended_at"] is None
    response = client.post("/account/erase", data={"understood": "y", "password": person.password})
    assert response.status_code == 302
    assert records(app, person) == []


def test_purge_removes_session_records_that_can_no_longer_sign_anyone_in(app, runner, make):
    person = make.user()
    with freeze_time("2026-11-01 10:00:00"):
        stale = app.test_client()
        sign_in(stale, person, remember=True)
    ended, current = app.test_client(), app.test_client()
    sign_in(ended, person)
    ended.post("/sign-out")
    sign_in(current, person)
    result = runner.invoke(args=["purge"])
    assert "sessions: 2 removed" in result.output
    assert len(records(app, person)) == 1
    assert current.get("/account").status_code == 200


def test_signing_out_deletes_the_keep_me_signed_in_cookie(client, make):
    sign_in(client, make.user(), remember=True)
    assert client.get_cookie("remember_token") is not None
    client.post("/sign-out")
    assert client.get_cookie("remember_token") is None
