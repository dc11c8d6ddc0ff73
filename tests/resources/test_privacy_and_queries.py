"""The library holds little about people: who uploaded and reviewed a resource, and a review
note. It is in the person's download and forgotten at their erasure; downloads are counted
without anyone. The library's pages make the same number of queries however many resources,
files and downloads there are."""

from __future__ import annotations

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.extensions import db
from elearn.privacy.services import erase_account, personal_data
from elearn.resources import library
from elearn.resources.models import Resource, ResourceFile, ResourceStatus
from tests.conftest import PASSWORD, count_queries, sign_in
from tests.resources.conftest import make_resource


def test_a_persons_uploads_and_reviews_are_in_their_download(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    with app.test_request_context():
        mine = personal_data(db.session.get(User, people.trainer.id))["resources.json"]
        theirs = personal_data(db.session.get(User, people.admin.id))["resources.json"]
        nobody = personal_data(db.session.get(User, people.other_trainer.id))["resources.json"]
    assert [(row["key"], row["uploaded_by_you"], row["reviewed_by_you"]) for row in mine] == [
        ("poster-know-the-signs", True, False)
    ]
    assert [(row["uploaded_by_you"], row["reviewed_by_you"]) for row in theirs] == [(False, True)]
    assert nobody == []


def test_an_erased_person_is_forgotten_and_the_resource_stays(app, people):
    make_resource(
        app, people.trainer.id, status=ResourceStatus.APPROVED, reviewer_id=people.admin.id
    )
    with app.test_request_context():
        erase_account(db.session.get(User, people.trainer.id), password=PASSWORD)
        db.session.commit()
        resource = db.session.scalar(select(Resource))
        assert resource.created_by_id is None
        assert resource.reviewed_by_id == people.admin.id
        assert resource.status == ResourceStatus.APPROVED


def _download_everything(app, client):
    with app.app_context():
        urls = [
            f"/resources/{key}/files/{language}"
            for key, language in db.session.execute(
                select(Resource.key, ResourceFile.language).join(ResourceFile)
            )
        ]
    for url in urls:
        client.get(url).close()


def test_the_library_pages_do_not_query_per_resource_file_or_download(app, client, people):
    make_resource(
        app,
        people.trainer.id,
        key="a-0",
        status=ResourceStatus.APPROVED,
        reviewer_id=people.admin.id,
    )
    trainer = app.test_client()
    sign_in(trainer, people.trainer)
    trainer.get("/")
    _download_everything(app, client)
    pages = ("/resources/", "/resources/?language=ro&audience=pupils", "/resources/manage/")

    def counts():
        return [
            count_queries(app, lambda url=url: (trainer if "manage" in url else client).get(url))
            for url in pages
        ] + [count_queries(app, lambda: trainer.get("/resources/"))]

    before = counts()
    for number in range(1, 6):
        make_resource(
            app,
            people.trainer.id,
            key=f"a-{number}",
            languages=("ro", "en", "hu"),
            status=ResourceStatus.APPROVED,
            reviewer_id=people.admin.id,
        )
    _download_everything(app, client)
    assert counts() == before
    with app.app_context():
        assert (
            len(library.download_totals([r.id for r in db.session.scalars(select(Resource))])) == 6
        )
