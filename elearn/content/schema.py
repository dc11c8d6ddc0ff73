"""The content-package format, as typed models (pydantic, strict, no unknown keys).

``Manifest.model_json_schema()`` is the JSON Schema published for editors
(``docs/course-manifest.schema.json``, written by ``elearn courses schema``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT_VERSION = 1
Language = Literal["ro", "en", "hu"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=10000)]
# One text in each of the course's languages: {ro: "...", en: "..."}
LangText = dict[Language, Text]
LangLongText = dict[Language, LongText]
Credit = Annotated[float, Field(ge=-1, le=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Author(Model):
    name: Text
    organisation: Text | None = None


class Reference(Model):
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)] | None = None
    accessed: date | None = None


class LessonRef(Model):
    id: Slug
    duration: Annotated[int, Field(ge=1, le=600)] = Field(description="Estimated minutes.")
    required: bool = True


class Module(Model):
    id: Slug
    title: LangText
    lessons: Annotated[list[LessonRef], Field(min_length=1)]
    quiz: Slug | None = Field(None, description="A quiz, from `quizzes`, at the end of the module.")


class QuizSettings(Model):
    id: Slug
    title: LangText
    # One YAML file for every language, or one GIFT file per language.
    file: Annotated[str, StringConstraints(max_length=200)] | dict[Language, str]
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 80
    attempts: Annotated[int, Field(ge=0, le=100)] = Field(3, description="0: unlimited.")
    time_limit: Annotated[int, Field(ge=1, le=600)] | None = Field(None, description="Minutes.")
    wait_minutes: Annotated[int, Field(ge=0, le=10080)] = 0
    draw: Annotated[int, Field(ge=1, le=500)] | None = Field(
        None, description="Questions drawn at random from the pool for each attempt."
    )
    show_answers: Literal["never", "when_final", "always"] = Field(
        "when_final",
        description="when_final: after passing or after the last attempt.",
    )
    duration: Annotated[int, Field(ge=1, le=600)] = 15
    required: bool = True
    after_lessons: bool = Field(
        False, description="The quiz opens once every required lesson is complete."
    )


class Completion(Model):
    sequential: bool = False
    lesson_done: Literal["button", "end_of_page"] = Field(
        "button",
        description=(
            "button: the learner marks the lesson complete once it has been open for "
            "min_lesson_time_share of its duration; end_of_page: by following the control at "
            "the end of the lesson, with no minimum time."
        ),
    )
    min_lesson_time_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5,
        description=(
            "The share (0 to 1) of a lesson's stated duration it must be open before it can "
            "be marked complete, and of the course's duration a learner must have spent on "
            "its lessons for the certificate to state its hours. 0: no minimum."
        ),
    )


class Certificate(Model):
    hours: Annotated[float, Field(gt=0, le=500)]
    validity_months: Annotated[int, Field(ge=1, le=240)] | None = None
    signatory: Slug
    # The certificate's look: "standard" (a colour band, sans-serif) or "formal" (a frame,
    # serif). Both print well in greyscale.
    design: Literal["standard", "formal"] = "standard"
    # The quiz whose pass renews an expiring certificate; by default the final quiz.
    recertification_quiz: Slug | None = None


class Media(Model):
    file: Annotated[str, StringConstraints(pattern=r"^media/[^/]+$", max_length=200)]
    alt: LangText | None = None
    title: LangText | None = None
    transcript: dict[Language, str] | None = None
    captions: dict[Language, str] | None = None


class Manifest(Model):
    """course.yaml"""

    format: Literal[1]
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")]
    languages: Annotated[list[Language], Field(min_length=1, max_length=3)]
    title: LangText
    summary: LangLongText
    audiences: Annotated[list[str], Field(min_length=1)]
    authors: Annotated[list[Author], Field(min_length=1)]
    licence: Text
    references: list[Reference] = []
    facts_checked: date | None = None
    review_status: Literal["draft", "in_review", "reviewed"] = "draft"
    prerequisites: list[Slug] = []
    modules: Annotated[list[Module], Field(min_length=1)]
    quizzes: list[QuizSettings] = []
    completion: Completion = Completion()
    certificate: Certificate | None = None
    media: list[Media] = []
    # The lessons a trained person can follow to deliver a session of their own (the reach
    # ledger offers them when a session is recorded, with this version).
    session_plans: list[Slug] = []
    # Keys of the resource library's materials the course points to (elearn/resources).
    resources: list[Slug] = []


# Questions -----------------------------------------------------------------------------------


class Option(Model):
    id: Slug
    text: LangText
    correct: bool = False
    credit: Credit | None = Field(None, description="Partial credit; default 1 if correct, else 0.")
    feedback: LangText | None = None


class QuestionBase(Model):
    id: Slug
    prompt: LangLongText
    feedback: LangLongText | None = Field(
        None, description="Explains the answer, after submitting."
    )
    lesson: Slug | None = Field(
        None,
        description="The lesson that teaches it: a learner who misses it is sent back there.",
    )


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[Option], Field(min_length=2, max_length=12)]


class MultipleChoice(QuestionBase):
    type: Literal["multiple"]
    options: Annotated[list[Option], Field(min_length=2, max_length=12)]


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_correct: LangText | None = None
    feedback_incorrect: LangText | None = None


class Pair(Model):
    id: Slug
    left: LangText
    right: LangText


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2, max_length=12)]


class OrderItem(Model):
    id: Slug
    text: LangText


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: Annotated[list[OrderItem], Field(min_length=2, max_length=12)]


class Accepted(Model):
    text: Text
    credit: Credit = 1


class ShortText(QuestionBase):
    type: Literal["short_text"]
    accepted: dict[Language, Annotated[list[Accepted], Field(min_length=1)]]


class NumericAnswer(Model):
    value: float | int
    tolerance: Annotated[float | int, Field(ge=0)] = 0
    credit: Credit = 1


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answers: Annotated[list[NumericAnswer], Field(min_length=1)]


class ScenarioChoice(Model):
    id: Slug
    text: LangText
    consequence: LangLongText
    next: Slug | None = None
    credit: Credit = 0


class ScenarioStep(Model):
    id: Slug
    text: LangLongText
    choices: Annotated[list[ScenarioChoice], Field(min_length=2, max_length=6)]


class Scenario(QuestionBase):
    type: Literal["scenario"]
    start: Slug
    steps: Annotated[list[ScenarioStep], Field(min_length=1, max_length=12)]


Question = Annotated[
    SingleChoice
    | MultipleChoice
    | TrueFalse
    | Matching
    | Ordering
    | ShortText
    | Numeric
    | Scenario,
    Field(discriminator="type"),
]

QUESTION_TYPES = (
    "single",
    "multiple",
    "true_false",
    "matching",
    "ordering",
    "short_text",
    "numeric",
    "scenario",
)


class QuizFile(Model):
    """quizzes/<name>.yaml"""

    questions: Annotated[list[Question], Field(min_length=1)]


class LessonFrontMatter(Model):
    """The front matter of lessons/<id>.<language>.md"""

    title: Text
    objectives: Annotated[list[Text], Field(min_length=1, max_length=10)]
