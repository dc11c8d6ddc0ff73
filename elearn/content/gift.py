"""Moodle's GIFT quiz format, read into the package's own question types.

Follows the detection order of Moodle's parser (question/format/gift/format.php): no braces is
a description, empty braces an essay, ``#`` numerical, ``~`` multiple choice, ``=``/``->``
matching, T/F true-false, anything else short answer. Text after the closing brace makes a
"missing word" question. What maps onto our types is imported; everything else (essays,
descriptions, wildcard answers, distractors in matching...) is reported by line, never dropped
in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from elearn.content.problems import N_, Problem
from elearn.html import clean_html

_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class GiftQuestion:
    line: int
    data: dict  # in the package's question shape, texts as plain strings


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair == "\\\\":
            out.append("\\")
            i += 2
        elif pair in _ESCAPES:
            out.append(_ESCAPES[pair])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _plain(text: str) -> str:
    """A GIFT text (any of its formats) as clean plain text."""
    text = text.strip()
    match = _FORMAT.match(text)
    if match:
        text = text[match.end() :]
        if match.group(1).lower() == "html":
            text = _TAGS.sub("", clean_html(text))
        elif match.group(1).lower() == "markdown":
            text = re.sub(r"[*_`]+", "", text)
    return " ".join(_unescape(text).split())


def _find_unescaped(text: str, chars: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """[(separator, piece)] for every unescaped separator in ``text``."""
    pieces, i, current, marker = [], 0, [], None
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch in separators:
            if marker is not None:
                pieces.append((marker, "".join(current)))
            marker, current = ch, []
        else:
            current.append(ch)
        i += 1
    if marker is not None:
        pieces.append((marker, "".join(current)))
    return pieces


# Our own convention, invisible to Moodle (a comment): "// lesson: <lesson id>" on a line of
# its own, above a question or inside it, names the lesson that teaches the question.
_LESSON = re.compile(r"^\s*//\s*lesson\s*:\s*(\S+)\s*$", re.I)


def _blocks(text: str):
    """(first line, block text, lesson) for each blank-line-separated block, comments removed;
    ``lesson`` is the last "// lesson:" comment since the previous question, or None."""
    block, start, lesson = [], None, None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            match = _LESSON.match(line)
            if match:
                lesson = match.group(1)
            continue
        if not line.strip():
            if block:
                yield start, "\n".join(block), lesson
                lesson = None
            block, start = [], None
            continue
        if start is None:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block), lesson


def _answer_parts(piece: str) -> tuple[float | None, str, str]:
    """(weight or None, text, feedback) of one answer."""
    piece = piece.strip()
    weight = None
    match = _WEIGHT.match(piece)
    if match:
        weight = float(match.group(1)) / 100
        piece = piece[match.end() :]
    hash_at = _find_unescaped(piece, "#")
    feedback = ""
    if hash_at >= 0:
        piece, feedback = piece[:hash_at], piece[hash_at + 1 :]
    return weight, _plain(piece), _plain(feedback)


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.notes: list[Problem] = []
        self.names: dict[str, int] = {}

    def note(self, message: str, line: int, **params) -> None:
        self.notes.append(Problem(message, self.file, line, params, severity="warning"))

    def parse(self, text: str) -> list[GiftQuestion]:
        questions = []
        for line, block, lesson in _blocks(text):
            if block.lstrip().startswith("$CATEGORY:"):
                continue
            question = self.question(line, block)
            if question is not None:
                if lesson:
                    question["lesson"] = lesson
                questions.append(GiftQuestion(line, question))
        return questions

    def _id(self, name: str, line: int, position: int) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or f"q{position}"
        count = self.names.get(base, 0) + 1
        self.names[base] = count
        if count > 1:
            self.note(
                N_("The name '%(name)s' is used again; this question is renamed %(id)s."),
                line,
                name=name,
                id=f"{base}-{count}",
            )
            return f"{base}-{count}"
        return base

    def question(self, line: int, block: str) -> dict | None:
        name = ""
        match = re.match(r"^\s*::(.*?)::", block, re.S)
        if match and "\\" not in match.group(1)[-1:]:
            name = _plain(match.group(1))
            block = block[match.end() :]
        opening = _find_unescaped(block, "{")
        closing = block.rfind("}")
        while closing > 0 and block[closing - 1] == "\\":
            closing = block.rfind("}", 0, closing - 1)
        if opening < 0 or closing < opening:
            self.note(N_("A description without a question is not imported."), line)
            return None
        before, answers, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
        prompt = _plain(before)
        if after.strip():
            rest = _plain(after)
            joiner = "" if rest[:1] in ".,;:!?)\"'" else " "
            prompt = f"{prompt} _____{joiner}{rest}".strip()
        general = ""
        general_at = answers.find("####")
        if general_at >= 0:
            answers, general = answers[:general_at], _plain(answers[general_at + 4 :])
        body = answers.strip()
        identifier = self._id(name or f"q{len(self.names) + 1}", line, len(self.names) + 1)
        base = {"id": identifier, "prompt": prompt or name}
        if general:
            base["feedback"] = general
        if not body:
            self.note(N_("Essay questions need a person to grade them and are not imported."), line)
            return None
        if body.startswith("#"):
            return self.numeric(base, body[1:], line)
        if _find_unescaped(body, "~") >= 0:
            return self.choice(base, body, line)
        if _find_unescaped(body, "=") >= 0 and "->" in body:
            return self.matching(base, body, line)
        verdict = _unescape(body.split("#", 1)[0]).strip().upper()
        if verdict in {"T", "TRUE", "F", "FALSE"}:
            return self.true_false(base, body, verdict, line)
        return self.short_answer(base, body, line)

    def choice(self, base: dict, body: str, line: int) -> dict | None:
        pieces = _split_unescaped(body, "~=")
        single = any(marker == "=" for marker, _ in pieces)
        options = []
        for index, (marker, piece) in enumerate(pieces, start=1):
            weight, text, feedback = _answer_parts(piece)
            if marker == "=":
                credit = 1.0 if weight is None else weight
            else:
                credit = 0.0 if weight is None else weight
            # One right answer in a single choice; several in a multiple choice. Moodle's
            # partial credits (%50%) are kept as our options' credit.
            correct = credit == 1.0 if single else credit > 0
            option = {"id": f"o{index}", "text": text, "correct": correct}
            if credit not in (0.0, 1.0) or (correct and not single):
                option["credit"] = credit
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        if not any(option["correct"] for option in options):
            self.note(
                N_("A multiple-choice question without a right answer is not imported."), line
            )
            return None
        return {**base, "type": "single" if single else "multiple", "options": options}

    def matching(self, base: dict, body: str, line: int) -> dict | None:
        pairs = []
        for index, (_, piece) in enumerate(_split_unescaped(body, "="), start=1):
            left, _, right = piece.partition("->")
            if not _plain(left):
                self.note(
                    N_(
                        "An extra answer without a question (%(answer)s) is not supported "
                        "and was left out."
                    ),
                    line,
                    answer=_plain(right),
                )
                continue
            pairs.append({"id": f"p{index}", "left": _plain(left), "right": _plain(right)})
        if len(pairs) < 2:
            self.note(N_("A matching question needs at least two pairs; not imported."), line)
            return None
        return {**base, "type": "matching", "pairs": pairs}

    def true_false(self, base: dict, body: str, verdict: str, line: int) -> dict:
        # "FALSE#shown to a wrong answer#shown to a right one"
        feedback = [_plain(piece) for _, piece in _split_unescaped(body, "#")]
        question = {**base, "type": "true_false", "answer": verdict in {"T", "TRUE"}}
        if len(feedback) > 0 and feedback[0]:
            question["feedback_incorrect"] = feedback[0]
        if len(feedback) > 1 and feedback[1]:
            question["feedback_correct"] = feedback[1]
        return question

    def short_answer(self, base: dict, body: str, line: int) -> dict | None:
        accepted = []
        for _, piece in _split_unescaped(body, "="):
            weight, text, _ = _answer_parts(piece)
            if "*" in text:
                self.note(
                    N_("The wildcard answer '%(answer)s' is not supported and was left out."),
                    line,
                    answer=text,
                )
                continue
            if text and (weight is None or weight > 0):
                accepted.append({"text": text, "credit": 1.0 if weight is None else weight})
        if not accepted:
            self.note(
                N_("A short-answer question without an accepted answer is not imported."), line
            )
            return None
        return {**base, "type": "short_text", "accepted": accepted}

    def numeric(self, base: dict, body: str, line: int) -> dict | None:
        answers = []
        if _find_unescaped(body, "=") < 0:
            body = "=" + body  # a single answer: {#1822:1}
        pieces = _split_unescaped(body, "=~")
        for marker, piece in pieces:
            weight, raw, _ = _answer_parts(piece)
            if marker == "~":
                self.note(
                    N_("Feedback for any other numeric answer is not supported and was left out."),
                    line,
                )
                continue
            parsed = _number(raw)
            if parsed is None:
                self.note(
                    N_("'%(answer)s' is not a number; the question is not imported."),
                    line,
                    answer=raw,
                )
                return None
            value, tolerance = parsed
            answers.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "credit": 1.0 if weight is None else weight,
                }
            )
        if not any(answer["credit"] == 1 for answer in answers):
            self.note(N_("A numeric question without a full-credit answer is not imported."), line)
            return None
        return {**base, "type": "numeric", "answers": answers}


def _number(text: str) -> tuple[float, float] | None:
    text = text.strip()
    try:
        if ".." in text:
            low, high = (float(part) for part in text.split("..", 1))
            return round((low + high) / 2, 10), round(abs(high - low) / 2, 10)
        value, _, tolerance = text.partition(":")
        return float(value), abs(float(tolerance)) if tolerance else 0.0
    except ValueError:
        return None


def parse_gift(text: str, file: str) -> tuple[list[GiftQuestion], list[Problem]]:
    """The questions of a GIFT file that map onto our types, and a note for everything else."""
    parser = _Parser(file)
    questions = parser.parse(text)
    return questions, parser.notes
