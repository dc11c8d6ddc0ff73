"""The export's zip is named with the platform's day, the one its page shows."""

from __future__ import annotations

from freezegun import freeze_time

from elearn.accounts.models import Role
from tests.certificates.test_export import graduate
from tests.conftest import page_text, sign_in


def test_an_export_made_after_midnight_in_bucharest_is_named_with_that_day(
    app, client, make, course
):
    school = make.organisation()
    graduate(app, make, school, "2026-03-10 09:00:00")
    # 22:30 UTC on 6 December is 00:30 on 7 December in Bucharest.
    with freeze_time("2026-12-06 22:30:00"):
        manager = make.user(roles=(Role.LEARNER, Role.MANAGER), organisation_id=school)
        sign_in(client, manager)
        started = client.post(f"/organisations/{school}/certificates/export", data={})
        assert started.status_code == 302, page_text(started)
        status_url = started.headers["Location"]
        for _ in range(20):
            if "Download the zip" in page_text(
                client.get(status_url, headers={"Accept-Language": "en"})
            ):
                break
        with client.get(f"{status_url}/download") as download:
            disposition = download.headers["Content-Disposition"]
    assert f"certificates-{school}-2026-12-07.zip" in disposition
