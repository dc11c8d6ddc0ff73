"""The review flow, the download counter and the keys courses name, through the services."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.resources import library, services
from elearn.resources.files import check_upload
from elearn.resources.models import Resource, ResourceDownloadDay, ResourceFile, ResourceStatus
from tests.resources.conftest import make_resource, png


def _resource(key="poster-know-the-signs") -> Resource:
    return services.resource_by_key(key)


def _user(person) -> User:
    return db.session.get(User, person.id)


def test_a_new_resource_is_a_draft_with_its_checked_files(app, people):
    make_resource(app, people.trainer.id, languages=("ro", "hu"))
    with app.app_context():
        resource = _resource()
        assert resource.status == ResourceStatus.DRAFT
        assert [file.language for file in resource.files] == ["hu", "ro"]
        assert all(file.media_type == "image/png" and file.size > 0 for file in resource.files)
        assert resource.created_by_id == people.trainer.id


def test_a_key_is_used_once(app, people):
    make_resource(app, people.trainer.id)
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        services.create_resource(
            key="poster-know-the-signs",
            kind="poster",
            audience="pupils",
            title={"ro": "Alt afiș"},
            description={},
            licence="CC0-1.0",
            attribution=None,
            files={"ro": check_upload("b.png", png())},
            by=_user(people.other_trainer),
        )
    assert refusal.value.field == "key"


def test_a_resource_needs_a_title_and_a_file(app, people):
    with app.test_request_context():
        common = dict(
            key="flyer", kind="flyer", audience="parents", description={}, licence="CC0-1.0"
        )
        with pytest.raises(DomainError) as no_title:
            services.create_resource(
                **common,
                title={"ro": "  "},
                attribution=None,
                files={"ro": check_upload("f.png", png())},
                by=_user(people.trainer),
            )
        assert no_title.value.field == "title_ro"
        with pytest.raises(DomainError) as no_file:
            services.create_resource(
                **common,
                title={"ro": "Pliant"},
                attribution=None,
                files={},
                by=_user(people.trainer),
            )
        assert no_file.value.field == "file_ro"


def test_submitted_then_approved_by_an_administrator(app, people):
    make_resource(app, people.trainer.id)
    with app.app_context():
        resource = _resource()
        services.submit_for_review(resource)
        assert resource.status == ResourceStatus.IN_REVIEW
        services.approve(resource, by=_user(people.admin))
        assert resource.status == ResourceStatus.APPROVED
        assert resource.reviewed_by_id == people.admin.id


def test_nobody_approves_their_own_upload(app, make, people):
    from elearn.accounts.models import Role

    uploader = make.user(roles=(Role.LEARNER, Role.TRAINER, Role.ADMIN))
    make_resource(app, uploader.id, status=ResourceStatus.IN_REVIEW)
    with app.app_context():
        with pytest.raises(DomainError):
            services.approve(_resource(), by=_user(uploader))
        assert _resource().status == ResourceStatus.IN_REVIEW


def test_sent_back_with_a_note_it_is_a_draft_again(app, people):
    make_resource(app, people.trainer.id, status=ResourceStatus.IN_REVIEW)
    with app.app_context():
        resource = _resource()
        with pytest.raises(DomainError) as no_note:
            services.send_back(resource, note=" ", by=_user(people.admin))
        assert no_note.value.field == "note"
        services.send_back(resource, note="Add the helpline number.", by=_user(people.admin))
        assert resource.status == ResourceStatus.DRAFT
        assert resource.review_note == "Add the helpline number."
        services.submit_for_review(resource)
        assert resource.status == ResourceStatus.IN_REVIEW


def test_only_a_draft_is_submitted_and_only_one_in_review_is_approved(app, people):
    make_resource(app, people.trainer.id)
    with app.app_context():
        resource = _resource()
        with pytest.raises(DomainError):
            services.approve(resource, by=_user(people.admin))
        services.submit_for_review(resource)
        with pytest.raises(DomainError):
            services.submit_for_review(resource)


def test_a_new_file_after_approval_sends_it_back_to_review(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    with app.test_request_context():
        resource = _resource()
        texts = dict(
            kind="poster",
            audience="pupils",
            title={"ro": "Afiș nou"},
            description={},
            licence="CC-BY-4.0",
            attribution=None,
        )
        services.update_resource(resource, files={}, **texts)
        assert resource.status == ResourceStatus.APPROVED  # new words only: still approved
        new_file = {"ro": check_upload("afis-2.png", png((200, 10, 10)))}
        services.update_resource(resource, files=new_file, **texts)
        assert resource.status == ResourceStatus.IN_REVIEW
        assert resource.reviewed_by_id is None
        assert [file.file_name for file in resource.files] == ["afis-2.png"]
        assert library.approved_by_keys(["poster-know-the-signs"]) == []


def test_a_withdrawn_resource_leaves_the_library_and_cannot_be_changed(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.WITHDRAWN, reviewer_id=people.admin.id
    )
    with app.test_request_context():
        resource = _resource()
        assert db.session.scalars(library.library_query()).all() == []
        with pytest.raises(DomainError):
            services.withdraw(resource, by=_user(people.admin))
        with pytest.raises(DomainError):
            services.update_resource(
                resource,
                kind="poster",
                audience="pupils",
                title={"ro": "x"},
                description={},
                licence="CC0-1.0",
                attribution=None,
                files={},
            )


def _counts(app) -> list[tuple[date, int]]:
    with app.app_context():
        return db.session.execute(
            select(ResourceDownloadDay.day, ResourceDownloadDay.downloads).order_by(
                ResourceDownloadDay.day
            )
        ).all()


def test_two_downloads_on_one_day_make_one_row_of_two(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    with app.app_context():
        file = db.session.scalar(select(ResourceFile))
        moment = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)  # 7 December in Bucharest
        library.count_download(file, moment)
        library.count_download(file, moment)
        library.count_download(file, datetime(2026, 12, 6, 10, 0, tzinfo=UTC))
        db.session.commit()
    assert _counts(app) == [(date(2026, 12, 6), 1), (date(2026, 12, 7), 2)]


def test_downloads_at_the_same_moment_all_count(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    with app.app_context():
        file_id = db.session.scalar(select(ResourceFile.id))
    start = threading.Barrier(4)
    errors = []

    def download():
        try:
            with app.app_context():
                file = db.session.get(ResourceFile, file_id)
                start.wait()
                library.count_download(file)
                db.session.commit()
        except Exception as error:
            errors.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.sum(ResourceDownloadDay.downloads))) == 4
        assert library.download_totals([db.session.scalar(select(Resource.id))]) == {
            db.session.scalar(select(Resource.id)): 4
        }


def test_the_download_count_holds_no_person(app):
    columns = set(ResourceDownloadDay.__table__.columns.keys())
    assert columns == {"id", "file_id", "day", "downloads"}


def test_courses_find_only_approved_resources_in_their_order(app, people):
    make_resource(
        app,
        people.trainer.id,
        key="a-poster",
        status=ResourceStatus.APPROVED,
        reviewer_id=people.admin.id,
    )
    make_resource(
        app,
        people.trainer.id,
        key="b-flyer",
        status=ResourceStatus.APPROVED,
        reviewer_id=people.admin.id,
    )
    make_resource(app, people.trainer.id, key="c-draft")
    with app.app_context():
        found = library.approved_by_keys(["b-flyer", "c-draft", "nothing", "a-poster"])
        assert [resource.key for resource in found] == ["b-flyer", "a-poster"]
        assert library.existing_keys({"c-draft", "nothing"}) == {"c-draft"}


def test_sessions_and_events_are_offered_approved_resources_only(app, people):
    approved = dict(status=ResourceStatus.APPROVED, reviewer_id=people.admin.id)
    make_resource(app, people.trainer.id, key="b-poster", **approved)
    make_resource(app, people.trainer.id, key="a-guide", audience="parents", **approved)
    make_resource(app, people.trainer.id, key="c-draft")
    with app.app_context():
        assert [r.key for r in library.approved_resources()] == ["a-guide", "b-poster"]
        assert [r.key for r in library.approved_resources("pupils")] == ["b-poster"]
