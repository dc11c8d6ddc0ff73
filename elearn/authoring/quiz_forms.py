"""The quiz editor's forms: a quiz's settings, a question of any type (rows added with
"add a row" buttons, no JavaScript needed), GIFT texts.

Every text has a field per language (ro, en, hu); a page shows and checks only the course's
languages. Each check names the field it is about ("Option 2, text (Hungarian)"), since a
question's form has many fields of the same kind.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as RowForm
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from elearn.authoring.quiz_data import is_blank, ordered_items, parse_number
from elearn.authoring.quizzes import LANGUAGE_NAMES
from elearn.forms import Form, options

LANGS = ("ro", "en", "hu")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TEXT_MAX, LONG_MAX = 2000, 10000
MAX_ROWS = {"options": 12, "pairs": 12, "items": 12, "steps": 12, "choices": 6}


def _per_language(cls, name: str, area: bool = False) -> None:
    for lang in LANGS:
        setattr(cls, f"{name}_{lang}", (TextAreaField if area else StringField)(render_kw={}))


class OptionRow(RowForm):
    id = HiddenField()
    correct = BooleanField()
    credit = StringField()
    remove = BooleanField()


class PairRow(RowForm):
    id = HiddenField()
    remove = BooleanField()


class ItemRow(RowForm):
    id = HiddenField()
    position = StringField()
    remove = BooleanField()


class AcceptedRow(RowForm):
    text = StringField()
    credit = StringField()
    remove = BooleanField()


class NumericRow(RowForm):
    value = StringField()
    tolerance = StringField()
    credit = StringField()
    remove = BooleanField()


class ChoiceRow(RowForm):
    id = HiddenField()
    next = SelectField(validate_choice=False, choices=[])
    credit = StringField()
    remove = BooleanField()


class StepRow(RowForm):
    id = HiddenField()
    choices = FieldList(FormField(ChoiceRow), max_entries=MAX_ROWS["choices"])
    add_choice = SubmitField(_l("Add a choice"))
    remove = BooleanField()


for _cls, _names in (
    (OptionRow, ("text", "feedback")),
    (PairRow, ("left", "right")),
    (ItemRow, ("text",)),
    (ChoiceRow, ("text",)),
):
    for _name in _names:
        _per_language(_cls, _name)
_per_language(ChoiceRow, "consequence", area=True)
_per_language(StepRow, "text", area=True)


class QuestionForm(Form):
    """One question of any type; ``kind`` and ``languages`` are set before it is checked."""

    base_hash = HiddenField()
    lesson = SelectField(
        _l("The lesson that teaches it"),
        description=_l("A learner who misses the question is sent to this lesson."),
        choices=[],
    )
    answer = SelectField(
        _l("The statement is"),
        choices=options([("true", _l("true")), ("false", _l("false"))]),
        validate_choice=False,
    )
    start = SelectField(_l("The scenario starts at"), validate_choice=False, choices=[])
    options = FieldList(FormField(OptionRow), max_entries=MAX_ROWS["options"])
    pairs = FieldList(FormField(PairRow), max_entries=MAX_ROWS["pairs"])
    items = FieldList(FormField(ItemRow), max_entries=MAX_ROWS["items"])
    answers = FieldList(FormField(NumericRow), max_entries=12)
    steps = FieldList(FormField(StepRow), max_entries=MAX_ROWS["steps"])
    add_option = SubmitField(_l("Add an option"))
    add_pair = SubmitField(_l("Add a pair"))
    add_item = SubmitField(_l("Add an item"))
    add_answer = SubmitField(_l("Add an answer"))
    add_step = SubmitField(_l("Add a step"))
    save = SubmitField(_l("Save the question"))

    kind = "single"
    languages: tuple = ("ro",)

    def setup(self, kind: str, languages, lessons=None) -> QuestionForm:
        """Choices that depend on the quiz: ``lessons`` are (id, title) in course order
        (None keeps those already set)."""
        self.kind, self.languages = kind, tuple(languages)
        if lessons is not None or not self.lesson.choices:
            self.lesson.choices = [("", _("No lesson named")), *(lessons or ())]
        self.messages: list[tuple[str, str]] = []  # (field id, message) for the summary
        step_ids = [(step.form.id.data, step.form.id.data) for step in self.steps]
        self.start.choices = step_ids
        for step in self.steps:
            for choice in step.form.choices:
                choice.form.next.choices = [("", _("the end")), *step_ids]
        return self

    # "Add a row" buttons -----------------------------------------------------------------

    def add_row(self) -> bool:
        """Add the row whose button was pressed; False if none was."""
        for name in ("option", "pair", "item", "answer"):
            if getattr(self, f"add_{name}").data:
                rows = getattr(self, f"{name}s")
                if len(rows) < rows.max_entries:
                    rows.append_entry()
                return True
        for lang in self.languages:
            if getattr(self, f"add_accepted_{lang}").data:
                getattr(self, f"accepted_{lang}").append_entry()
                return True
        if self.add_step.data:
            if len(self.steps) < self.steps.max_entries:
                taken = {step.form.id.data for step in self.steps}
                number = len(self.steps) + 1
                while f"step-{number}" in taken:
                    number += 1
                step = self.steps.append_entry({"id": f"step-{number}"})
                step.form.choices.append_entry()
                step.form.choices.append_entry()
            return True
        for step in self.steps:
            if step.form.add_choice.data:
                if len(step.form.choices) < MAX_ROWS["choices"]:
                    step.form.choices.append_entry()
                return True
        return False

    # Checks ------------------------------------------------------------------------------

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for field in self._fields.values():  # the sub-forms' own checks say nothing useful
            if isinstance(field, FieldList):
                field.errors = []
        self._check_texts(self, "prompt", _l("Prompt"), LONG_MAX)
        self._check_texts(self, "feedback", _l("General feedback"), LONG_MAX, required=False)
        getattr(self, f"_check_{self.kind}")()
        if self.csrf_errors():
            self.form_errors.append(_("The form had expired; please try again."))
        return not self.messages and not self.csrf_errors()

    def csrf_errors(self):
        token = getattr(self, "csrf_token", None)
        return token.errors if token is not None else []

    def fail(self, field, where, problem) -> None:
        message = _("%(field)s: %(problem)s", field=where, problem=problem)
        field.errors = [*field.errors, message]
        self.messages.append((field.id, message))

    def _check_texts(self, form, name, label, limit=TEXT_MAX, required=True, **params):
        fields = {lang: form[f"{name}_{lang}"] for lang in self.languages}
        filled = [lang for lang, field in fields.items() if (field.data or "").strip()]
        name = str(label) % params if params else str(label)
        for lang, field in fields.items():
            where = f"{name} ({LANGUAGE_NAMES[lang]})"
            text = (field.data or "").strip()
            if not text and (required or filled):
                problem = (
                    _("enter a text.")
                    if required
                    else _("write it in every language, or leave it empty in all.")
                )
                self.fail(field, where, problem)
            elif len(text) > limit:
                self.fail(field, where, _("at most %(num)d characters.", num=limit))
            elif text and "\n" in text and limit == TEXT_MAX:
                self.fail(field, where, _("keep it on one line."))

    def _check_number(self, field, where, low=None, high=None, required=False):
        text = (field.data or "").strip()
        if not text:
            if required:
                self.fail(field, where, _("enter a number."))
            return None
        value = parse_number(text)
        if value is None:
            self.fail(field, where, _("enter a number, such as 0.5."))
        elif low is not None and high is not None and not low <= value <= high:
            self.fail(field, where, _("a number from %(low)s to %(high)s.", low=low, high=high))
        elif low is not None and value < low:
            self.fail(field, where, _("at least %(low)s.", low=low))
        return value

    def _rows(self, rows) -> list:
        """The rows that will be saved (not removed, not left blank)."""
        return [row for row in rows if not row.form.remove.data and not is_blank(row.data)]

    def _check_count(self, rows, field, where, low: int, high: int) -> None:
        if len(rows) < low:
            self.fail(field, where, _("add at least %(num)d.", num=low))
        elif len(rows) > high:
            self.fail(field, where, _("at most %(num)d.", num=high))

    def _check_single(self) -> None:
        rows = self._rows(self.options)
        self._check_count(rows, self.add_option, _("Options"), 2, MAX_ROWS["options"])
        for row in self.options:
            if row in rows:
                number = list(self.options).index(row) + 1
                form = row.form
                self._check_texts(form, "text", _l("Option %(number)d, text"), number=number)
                self._check_texts(
                    form,
                    "feedback",
                    _l("Option %(number)d, feedback"),
                    required=False,
                    number=number,
                )
                self._check_number(
                    form.credit, _("Option %(number)d, credit", number=number), -1, 1
                )
        right = [row for row in rows if row.form.correct.data]
        target = rows[0].form.correct if rows else self.add_option
        if self.kind == "single" and len(right) != 1:
            self.fail(
                target,
                _("Options"),
                _("mark exactly one option as correct (%(num)d are marked).", num=len(right)),
            )
        if self.kind == "multiple" and not right:
            self.fail(target, _("Options"), _("mark at least one option as correct."))

    _check_multiple = _check_single

    def _check_true_false(self) -> None:
        if self.answer.data not in ("true", "false"):
            self.fail(self.answer, _("The statement is"), _("choose true or false."))
        for name, label in (
            ("feedback_correct", _l("Feedback for a right answer")),
            ("feedback_incorrect", _l("Feedback for a wrong answer")),
        ):
            self._check_texts(self, name, label, required=False)

    def _check_matching(self) -> None:
        rows = self._rows(self.pairs)
        self._check_count(rows, self.add_pair, _("Pairs"), 2, MAX_ROWS["pairs"])
        for row in rows:
            number = list(self.pairs).index(row) + 1
            self._check_texts(row.form, "left", _l("Pair %(number)d, left"), number=number)
            self._check_texts(row.form, "right", _l("Pair %(number)d, right"), number=number)
        for lang in self.languages:
            seen = set()
            for row in rows:
                field = row.form[f"right_{lang}"]
                text = (field.data or "").strip().casefold()
                if text and text in seen:
                    number = list(self.pairs).index(row) + 1
                    where = _("Pair %(number)d, right", number=number)
                    self.fail(
                        field,
                        f"{where} ({LANGUAGE_NAMES[lang]})",
                        _("another pair has the same answer."),
                    )
                seen.add(text)

    def _check_ordering(self) -> None:
        rows = self._rows(self.items)
        self._check_count(rows, self.add_item, _("Items"), 2, MAX_ROWS["items"])
        for row in rows:
            number = list(self.items).index(row) + 1
            self._check_texts(row.form, "text", _l("Item %(number)d"), number=number)
            self._check_number(
                row.form.position, _("Item %(number)d, position", number=number), 1, 100
            )

    def _check_short_text(self) -> None:
        for lang in self.languages:
            rows = self._rows(self[f"accepted_{lang}"])
            name = LANGUAGE_NAMES[lang]
            if not rows:
                self.fail(
                    self[f"add_accepted_{lang}"],
                    _("Accepted answers (%(language)s)", language=name),
                    _("add at least %(num)d.", num=1),
                )
            for row in rows:
                number = list(self[f"accepted_{lang}"]).index(row) + 1
                where = _("Accepted answer %(number)d", number=number)
                text = (row.form.text.data or "").strip()
                if not text:
                    self.fail(row.form.text, f"{where} ({name})", _("enter a text."))
                elif len(text) > TEXT_MAX:
                    self.fail(row.form.text, f"{where} ({name})", _("it is too long."))
                self._check_number(
                    row.form.credit,
                    _(
                        "Accepted answer %(number)d, credit (%(language)s)",
                        number=number,
                        language=name,
                    ),
                    -1,
                    1,
                )

    def _check_numeric(self) -> None:
        rows = self._rows(self.answers)
        self._check_count(rows, self.add_answer, _("Answers"), 1, 12)
        full = False
        for row in rows:
            number = list(self.answers).index(row) + 1
            self._check_number(
                row.form.value, _("Answer %(number)d, value", number=number), required=True
            )
            self._check_number(
                row.form.tolerance, _("Answer %(number)d, tolerance", number=number), 0
            )
            credit = self._check_number(
                row.form.credit, _("Answer %(number)d, credit", number=number), -1, 1
            )
            full = full or credit in (None, 1)
        if rows and not full:
            self.fail(
                rows[0].form.credit,
                _("Answers"),
                _("at least one answer needs full credit (1)."),
            )

    def _check_scenario(self) -> None:
        rows = self._rows(self.steps)
        self._check_count(rows, self.add_step, _("Steps"), 1, MAX_ROWS["steps"])
        kept = {row.form.id.data for row in rows}
        for row in rows:
            number = list(self.steps).index(row) + 1
            self._check_texts(
                row.form, "text", _l("Step %(number)d, text"), LONG_MAX, number=number
            )
            choices = self._rows(row.form.choices)
            self._check_count(
                choices,
                row.form.add_choice,
                _("Step %(number)d, choices", number=number),
                2,
                MAX_ROWS["choices"],
            )
            for choice in choices:
                self._check_choice(choice, number, list(row.form.choices).index(choice) + 1, kept)
        if self.start.data not in kept:
            self.fail(self.start, _("The scenario starts at"), _("choose one of its steps."))

    def _check_choice(self, choice, step: int, number: int, steps: set) -> None:
        form = choice.form
        params = {"step": step, "number": number}
        self._check_texts(form, "text", _l("Step %(step)d, choice %(number)d, text"), **params)
        self._check_texts(
            form,
            "consequence",
            _l("Step %(step)d, choice %(number)d, consequence"),
            LONG_MAX,
            **params,
        )
        if form.next.data and form.next.data not in steps:
            self.fail(
                form.next,
                _("Step %(step)d, choice %(number)d, next step", **params),
                _("choose a step of this scenario, or the end."),
            )
        self._check_number(
            form.credit, _("Step %(step)d, choice %(number)d, credit", **params), -1, 1
        )


for _lang in LANGS:
    setattr(QuestionForm, f"accepted_{_lang}", FieldList(FormField(AcceptedRow), max_entries=12))
    setattr(QuestionForm, f"add_accepted_{_lang}", SubmitField(_l("Add an accepted answer")))
_per_language(QuestionForm, "prompt", area=True)
_per_language(QuestionForm, "feedback", area=True)
_per_language(QuestionForm, "feedback_correct")
_per_language(QuestionForm, "feedback_incorrect")


def sorted_items(form: QuestionForm):
    return ordered_items([row.data for row in form.items])


# Settings, new quiz, GIFT -----------------------------------------------------------------------


def _whole(label, low: int, high: int, *, required=True, description=""):
    message = _l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(message) if required else Optional(),
            NumberRange(low, high, message=message),
        ],
    )


class QuizSettingsForm(Form):
    """A quiz's settings; titles per language and ``question_count`` are set by the view."""

    pass_mark = _whole(_l("Pass mark (%)"), 0, 100)
    attempts = _whole(_l("Attempts"), 0, 100, description=_l("0 means unlimited."))
    time_limit = _whole(
        _l("Time limit (minutes)"), 1, 600, required=False, description=_l("Empty: no limit.")
    )
    wait_minutes = _whole(_l("Minutes to wait between attempts"), 0, 10080)
    draw = _whole(_l("Questions drawn for each attempt"), 1, 500, required=False)
    show_answers = SelectField(
        _l("Show the right answers"),
        choices=options(
            [
                ("never", _l("never")),
                ("when_final", _l("after passing or after the last attempt")),
                ("always", _l("after every attempt")),
            ]
        ),
        validators=[InputRequired(_l("Choose when to show the right answers."))],
    )
    duration = _whole(_l("Estimated minutes"), 1, 600)
    required = BooleanField(_l("Learners must pass this quiz to complete the course"))
    after_lessons = BooleanField(
        _l("The quiz opens once every required lesson is complete"),
        description=_l("Usually for the final quiz: its page lists the lessons still to do."),
    )
    submit = SubmitField(_l("Save the settings"))

    question_count = 0

    def validate_draw(self, field) -> None:
        if field.data is not None and field.data > self.question_count:
            raise ValidationError(
                _(
                    "The quiz has only %(num)d questions: draw at most that many, or leave "
                    "the field empty to ask all of them.",
                    num=self.question_count,
                )
            )


for _lang in LANGS:
    setattr(QuizSettingsForm, f"title_{_lang}", StringField())


def check_titles(form, languages) -> bool:
    """Every language's title filled in (the form cannot know the course's languages)."""
    ok = True
    for lang in languages:
        field = form[f"title_{lang}"]
        field.data = (field.data or "").strip()
        if not field.data or len(field.data) > TEXT_MAX or "\n" in field.data:
            field.errors = [
                *field.errors,
                _("Title (%(language)s): enter a title.", language=LANGUAGE_NAMES[lang]),
            ]
            ok = False
    return ok


class NewQuizForm(Form):
    quiz_id = StringField(
        _l("Quiz id"),
        description=_l("Lowercase letters, digits and hyphens, such as final-test."),
        filters=[lambda value: (value or "").strip().lower()],
        validators=[
            InputRequired(_l("Enter the quiz's id.")),
            Regexp(SLUG, message=_l("Use lowercase letters, digits and hyphens only.")),
        ],
    )
    place = SelectField(_l("Place"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Add the quiz"))


for _lang in LANGS:
    setattr(NewQuizForm, f"title_{_lang}", StringField())


class GiftForm(Form):
    """The GIFT text of each language, edited directly (a GIFT quiz), or pasted to convert."""

    base = HiddenField()
    submit = SubmitField(_l("Save the GIFT files"))
    convert = SubmitField(_l("Add these questions to the quiz"))


for _lang in LANGS:
    setattr(GiftForm, f"gift_{_lang}", TextAreaField(render_kw={"rows": 16, "spellcheck": "false"}))


class QuestionActionForm(Form):
    """Move a question up or down, or delete it: buttons on the quiz's page."""

    up = SubmitField(_l("Move up"))
    down = SubmitField(_l("Move down"))
    delete = SubmitField(_l("Delete"))
