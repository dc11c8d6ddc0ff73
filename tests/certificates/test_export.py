"""Bulk export: for a course, an organisation and a period, the PDFs and a CSV register of
every certificate of the filter and nothing else; built in parts; audited."""

from __future__ import annotations

import csv
import io
import zipfile

from freezegun import freeze_time
from sqlalchemy import select

from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent
from elearn.certificates.models import Certificate
from elearn.extensions import db
from tests.certificates.conftest import certificate_of, complete_course
from tests.conftest import page_text, sign_in


def graduate(app, make, organisation, when: str, **kwargs):
    with freeze_time(when):
        person = make.user(organisation_id=organisation, **kwargs)
        browser = app.test_client()
        sign_in(browser, person)
        complete_course(browser, app)
    return certificate_of(app, person.id)


def run_export(app, client, organisation, query: dict) -> tuple[bytes, str]:
    started = client.post(f"/organisations/{organisation}/certificates/export", data=query)
    assert started.status_code == 302, page_text(started)
    status_url = started.headers["Location"]
    for _ in range(20):
        page = client.get(status_url)
        if "Download the zip" in page_text(page):
            break
    with client.get(f"{status_url}/download") as download:
        assert download.status_code == 200
        return download.data, status_url


def test_the_export_holds_every_certificate_of_the_filter_and_nothing_else(
    app, client, make, course, monkeypatch
):
    from elearn.certificates import exports

    monkeypatch.setattr(exports, "SLICE_SECONDS", 0)  # one PDF per visit: built in parts
    school = make.organisation(name="Școala Gimnazială nr. 11 Oradea")
    police = make.organisation(name="Poliția Bihor")
    in_range = [
        graduate(app, make, school, "2026-03-10 09:00:00", full_name="Ana Mureșan"),
        graduate(app, make, school, "2026-04-20 09:00:00", full_name="Gyöngyi Szabó"),
        graduate(app, make, school, "2026-05-01 09:00:00", full_name="Radu Pop"),
    ]
    before = graduate(app, make, school, "2026-01-05 09:00:00", full_name="Prea Devreme")
    elsewhere = graduate(app, make, police, "2026-03-11 09:00:00", full_name="Alt Loc")
    pending = graduate(
        app,
        make,
        school,
        "2026-03-12 09:00:00",
        full_name="Neconfirmat",
        membership_confirmed=False,
    )
    with app.app_context():
        # A name a spreadsheet would run as a formula, and a revoked certificate.
        db.session.get(Certificate, in_range[1].id).holder_name = '=HYPERLINK("x")'
        db.session.get(Certificate, in_range[2].id).revoked_at = db.func.now()
        db.session.commit()
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    sign_in(client, manager)
    listing = page_text(
        client.get(f"/organisations/{school}/certificates?since=2026-02-01&until=2026-06-30")
    )
    assert "3 certificates" in listing and "Ana Mureșan" in listing
    assert "Prea Devreme" not in listing and "Alt Loc" not in listing
    assert "Neconfirmat" not in listing

    data, status_url = run_export(
        app, client, school, {"since": "2026-02-01", "until": "2026-06-30"}
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    pdfs = sorted(name for name in archive.namelist() if name.endswith(".pdf"))
    assert pdfs == sorted(f"certificates/{c.code}.pdf" for c in in_range[:2])  # not the revoked
    raw = archive.read("register.csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Name", "Course"]
    assert sorted(row[0] for row in rows[1:]) == sorted(c.code for c in in_range)
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[in_range[0].code][1] == "Ana Mureșan"
    assert by_code[in_range[1].code][1] == '\'=HYPERLINK("x")'
    assert by_code[in_range[2].code][-1] == "revoked"
    for absent in (before, elsewhere, pending):
        assert absent.code not in raw.decode("utf-8-sig")
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "certificate.exported")
        )
        assert event.actor_id == manager.id and event.details["certificates"] == 3

    other = app.test_client()
    sign_in(other, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=police))
    assert other.get(status_url).status_code == 403
    assert other.get(f"{status_url}/download").status_code == 403
    wrong = status_url.replace(f"/organisations/{school}/", f"/organisations/{police}/")
    assert other.get(wrong).status_code == 404


def test_an_export_by_course_leaves_other_courses_out(app, client, make, course):
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    school = make.organisation()
    first = graduate(app, make, school, "2026-03-10 09:00:00")
    files = edit(valid_files(), "course.yaml", "id: test-course", "id: other-course")
    files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    import_files(app, files)
    sign_in(client, make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school))
    data, _url = run_export(app, client, school, {"course": str(first.course_id)})
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == [f"certificates/{first.code}.pdf", "register.csv"]
    bad = client.post(f"/organisations/{school}/certificates/export", data={"course": "999"})
    assert bad.status_code == 302 and bad.headers["Location"].endswith("/certificates")


def test_only_one_request_builds_an_export_at_a_time(app, make, course):
    from elearn.certificates import exports

    school = make.organisation()
    graduate(app, make, school, "2026-03-10 09:00:00")
    with app.app_context(), app.test_request_context():
        export = exports.create(
            school, course_id=None, start=None, end=None, language="en", by_id=None
        )
        db.session.commit()
        assert exports.claim(export) is True
        db.session.commit()
        assert exports.claim(export) is False  # a second tab, while the first builds
        exports.build_slice(export)
        db.session.commit()
        assert export.ready_at is not None and exports.claim(export) is False


def test_an_erased_holder_leaves_exports_made_before(app, client, make, course):
    """A manager's zip made before someone erased their account no longer holds them: the
    old file is deleted and the export is built again without their PDF and name."""
    school = make.organisation(name="Liceul Teoretic Beiuș")
    kept = graduate(app, make, school, "2026-03-10 09:00:00", full_name="Ana Mureșan")
    with freeze_time("2026-03-11 09:00:00"):
        leaving = make.user(organisation_id=school, full_name="Gyöngyi Szabó")
        browser = app.test_client()
        sign_in(browser, leaving)
        complete_course(browser, app)
    erased = certificate_of(app, leaving.id)
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    sign_in(client, manager)
    data, status_url = run_export(app, client, school, {})
    assert "Gyöngyi Szabó" in zipfile.ZipFile(io.BytesIO(data)).read("register.csv").decode()
    with app.app_context():
        from elearn.certificates import exports
        from elearn.certificates.models import CertificateExport

        old_file = exports.path_of(db.session.scalar(select(CertificateExport)))
    assert old_file.exists()

    browser = app.test_client()
    sign_in(browser, leaving)
    response = browser.post(
        "/account/erase", data={"understood": "y", "password": leaving.password}
    )
    assert response.headers["Location"] == "/"
    assert not old_file.exists()
    for _ in range(20):
        if "Download the zip" in page_text(client.get(status_url)):
            break
    with client.get(f"{status_url}/download") as download:
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    register = archive.read("register.csv").decode("utf-8-sig")
    assert "Gyöngyi Szabó" not in register and erased.code not in register
    assert f"certificates/{erased.code}.pdf" not in archive.namelist()
    assert f"certificates/{kept.code}.pdf" in archive.namelist() and "Ana Mureșan" in register
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "certificate.export_rebuilt")
        )


def test_the_list_counts_what_its_filter_selects_and_offers_each_course_held(
    app, client, make, course
):
    from tests.content.helpers import edit, valid_files
    from tests.learning.conftest import import_files

    school = make.organisation()
    for when in ("2026-01-05 09:00:00", "2026-03-10 09:00:00", "2026-04-20 09:00:00"):
        graduate(app, make, school, when)
    graduate(app, make, make.organisation(name="Poliția Bihor"), "2026-03-11 09:00:00")
    files = edit(valid_files(), "course.yaml", "id: test-course", "id: other-course")
    files = edit(files, "course.yaml", "prerequisites: [core-course]", "prerequisites: []")
    import_files(app, files)
    with app.app_context():
        from elearn.courses.models import Course

        test_course = db.session.scalar(select(Certificate.course_id))
        other_course = db.session.scalar(select(Course.id).where(Course.slug == "other-course"))
    manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school, language="en")
    sign_in(client, manager)
    base = f"/organisations/{school}/certificates"
    for query, count in (
        ("", "3 certificates"),
        ("?since=2026-02-01&until=2026-06-30", "2 certificates"),
        ("?since=2026-04-01", "1 certificate"),
        (f"?course={test_course}&until=2026-03-31", "2 certificates"),
        # A period that ends before it starts is refused: everything, and the reason.
        ("?since=2026-06-30&until=2026-02-01", "3 certificates"),
        (f"?course={other_course}", "3 certificates"),  # not offered: refused
    ):
        text = page_text(client.get(base + query))
        assert count in text, (query, text)
    # The course nobody in the school holds a certificate of is not offered.
    options = client.get(base).get_data(as_text=True)
    assert f'value="{test_course}"' in options and f'value="{other_course}"' not in options
