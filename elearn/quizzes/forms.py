"""Giving a learner extra attempts or extra time on a quiz."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from elearn.forms import Form, email_field, from_the_list, options
from elearn.i18n import current_language
from elearn.learning.contents import contents_for


class AllowanceForm(Form):
    quiz = SelectField(
        _l("Quiz"),
        validators=[InputRequired(_l("Choose the quiz."))],
        **from_the_list(_l("Choose a quiz from the list.")),
    )
    extra_attempts = IntegerField(
        _l("Extra attempts"),
        default=0,
        validators=[
            InputRequired(_l("Enter a number of attempts, 0 for none.")),
            NumberRange(0, 20, _l("Give between 0 and 20 extra attempts.")),
        ],
    )
    extra_minutes = IntegerField(
        _l("Extra minutes on timed attempts"),
        description=_l("For a person who needs more time (WCAG 2.2.1)."),
        default=0,
        validators=[
            InputRequired(_l("Enter a number of minutes, 0 for none.")),
            NumberRange(0, 600, _l("Give between 0 and 600 extra minutes.")),
        ],
    )
    submit = SubmitField(_l("Grant"))


class TrainerAllowanceForm(AllowanceForm):
    email = email_field(_l("The learner's email address"))


def allowance_form(version, form_class=AllowanceForm) -> AllowanceForm:
    """The allowance form, offering the quizzes of ``version``."""
    form = form_class()
    language = _language(version)
    form.quiz.choices = options(
        (quiz.key, quiz.titles.get(language, quiz.key)) for quiz in version.quizzes
    )
    return form


def member_allowance_form(enrolments) -> AllowanceForm:
    """One form for all of a person's courses: each choice is "enrolment id/quiz key"."""
    form = AllowanceForm()
    choices = []
    contents = contents_for([enrolment.version for enrolment in enrolments])
    for enrolment in enrolments:
        language = _language(enrolment.version)
        course = enrolment.version.title.get(language, enrolment.course.slug)
        for quiz in contents[enrolment.version.id].quizzes:
            title = quiz.titles.get(language, quiz.key)
            choices.append((f"{enrolment.id}/{quiz.key}", f"{course}: {title}"))
    form.quiz.choices = options(choices)
    return form


def _language(version) -> str:
    wanted = current_language()
    return wanted if wanted in version.languages else version.languages[0]
