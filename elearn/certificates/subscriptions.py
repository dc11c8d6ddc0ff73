"""What certificates do when something happens below them (elearn/signals.py): issue the
certificate of a completed course, renew one when its renewal quiz is passed, and take an
erased person out of the managers' exports."""

from __future__ import annotations

from datetime import datetime

from elearn.certificates.exports import forget_erased_holder
from elearn.certificates.renewal import renew_after_pass
from elearn.certificates.services import issue_for, signatory
from elearn.extensions import db
from elearn.learning.models import Enrolment
from elearn.signals import (
    course_completed,
    person_erased,
    quiz_passed,
    signatory_known_requested,
)


def issue_on_completion(_enrolment, *, enrolment_id: int, **_details) -> None:
    """The course is complete: its certificate, once (a course may give none)."""
    issue_for(db.session.get(Enrolment, enrolment_id))


def renew_on_pass(
    _attempt, *, enrolment_id: int, quiz_key: str, round: int, passed_at: datetime, **_details
) -> None:
    """A pass in a renewal round may be the renewal quiz's: then the new certificate (a
    first-round pass counts towards completion instead, see ``issue_on_completion``)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    renew_after_pass(enrolment, quiz_key=quiz_key, round_=round, passed_at=passed_at)


def signatory_known(_sender, *, key: str, **_details) -> bool:
    """Whether an active signatory holds ``key`` (a package being imported names it)."""
    return signatory(key) is not None


def init_app(app) -> None:
    """Connect the receivers (process-wide; connecting again changes nothing)."""
    course_completed.connect(issue_on_completion)
    quiz_passed.connect(renew_on_pass)
    person_erased.connect(forget_erased_holder)
    signatory_known_requested.connect(signatory_known)
