"""Editor forms and quiz questions: the data of a question's form and the question it
describes in the package's YAML shape, both ways. Pure: no Flask, no database.

A question written back from its form equals the question it was opened from, defaults
left out as an author would, so saving an unchanged question changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

_SLUG_MAX = 40


def question_hash(question: dict) -> str:
    """A fingerprint of one question's content: the editor sends it back with the form to
    tell whether someone else changed the question meanwhile."""
    return hashlib.sha256(json.dumps(question, sort_keys=True).encode()).hexdigest()[:16]


def propose_id(text: str, taken, fallback: str = "q") -> str:
    """An id made from ``text`` (its first words, without diacritics) not in ``taken``."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if len(candidate) > _SLUG_MAX:
            break
        stem = candidate
    stem = stem or fallback
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


# Numbers as typed: "0,5" and "0.5" -------------------------------------------------------------


def parse_number(text) -> float | None:
    """A number typed into a form, with a decimal comma or point; None if it is not one."""
    if isinstance(text, int | float):
        return float(text)
    text = (text or "").strip().replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    return float(text)


def tidy_number(value: float) -> int | float:
    """1.0 written as 1, as an author would."""
    return int(value) if float(value).is_integer() else value


def show_number(value) -> str:
    return "" if value is None else str(tidy_number(value))


# Forms and questions --------------------------------------------------------------------------


def _texts(row: dict, name: str, languages) -> dict:
    return {lang: _clean(row.get(f"{name}_{lang}")) for lang in languages}


def _clean(text) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _optional_texts(row: dict, name: str, languages) -> dict | None:
    texts = _texts(row, name, languages)
    return texts if any(texts.values()) else None


def _spread(target: dict, name: str, value: dict | None, languages) -> None:
    for lang in languages:
        target[f"{name}_{lang}"] = (value or {}).get(lang, "")


def _kept(rows) -> list[dict]:
    """The rows a form keeps: not ticked for removal, and not a new row left blank."""
    return [row for row in rows or () if not row.get("remove") and not is_blank(row)]


# A row's fields that come filled in (defaults, buttons): they alone do not make it content.
_NOT_CONTENT = frozenset(
    {"id", "remove", "correct", "position", "add_choice", "credit", "tolerance", "next"}
)


def is_blank(row: dict) -> bool:
    """A row added with "add a row" and never filled: it is not saved and needs no checks."""
    if row.get("id"):
        return False
    for key, value in row.items():
        if key in _NOT_CONTENT:
            continue
        if isinstance(value, list):
            if _kept(value):
                return False
        elif isinstance(value, str) and value.strip():
            return False
    return True


def ordered_items(rows) -> list[dict]:
    """Ordering items by the position typed for them (rows without one keep their place)."""
    kept = _kept(rows)

    def key(pair):
        index, row = pair
        position = parse_number(row.get("position"))
        return (position if position is not None else index + 1, index)

    return [row for _, row in sorted(enumerate(kept), key=key)]


def question_from_form(
    kind: str, data: dict, languages, *, question_id: str | None, taken=()
) -> dict:
    """The question a (validated) editor form describes, in the package's YAML shape.

    Defaults are left out as an author would; a new question's id is proposed from its
    prompt in the first language, unique among ``taken``.
    """
    prompt = _texts(data, "prompt", languages)
    if question_id is None:
        question_id = propose_id(prompt[languages[0]], set(taken))
    question = {"id": question_id, "type": kind, "prompt": prompt}
    if data.get("lesson"):  # the lesson that teaches it (docs/content-packages.md), kept as is
        question = {"id": question_id, "lesson": data["lesson"], "type": kind, "prompt": prompt}
    question.update(_BUILDERS[kind](data, languages))
    feedback = _optional_texts(data, "feedback", languages)
    if feedback:
        question["feedback"] = feedback
    return question


def _options(data, languages) -> dict:
    options, taken = [], {row.get("id") for row in data.get("options") or () if row.get("id")}
    for row in _kept(data.get("options")):
        text = _texts(row, "text", languages)
        option_id = row.get("id") or propose_id(text[languages[0]], taken, "option")
        taken.add(option_id)
        option = {"id": option_id, "text": text}
        if row.get("correct"):
            option["correct"] = True
        credit = parse_number(row.get("credit"))
        if credit is not None:
            option["credit"] = tidy_number(credit)
        feedback = _optional_texts(row, "feedback", languages)
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return {"options": options}


def _true_false(data, languages) -> dict:
    result = {"answer": data.get("answer") == "true"}
    for name in ("feedback_correct", "feedback_incorrect"):
        texts = _optional_texts(data, name, languages)
        if texts:
            result[name] = texts
    return result


def _pairs(data, languages) -> dict:
    pairs, taken = [], {row.get("id") for row in data.get("pairs") or () if row.get("id")}
    for row in _kept(data.get("pairs")):
        pair_id = row.get("id") or propose_id("", taken, f"p{len(taken) + 1}")
        taken.add(pair_id)
        pairs.append(
            {
                "id": pair_id,
                "left": _texts(row, "left", languages),
                "right": _texts(row, "right", languages),
            }
        )
    return {"pairs": pairs}


def _items(data, languages) -> dict:
    items, taken = [], {row.get("id") for row in data.get("items") or () if row.get("id")}
    for row in ordered_items(data.get("items")):
        text = _texts(row, "text", languages)
        item_id = row.get("id") or propose_id(text[languages[0]], taken, "item")
        taken.add(item_id)
        items.append({"id": item_id, "text": text})
    return {"items": items}


def _accepted(data, languages) -> dict:
    accepted = {}
    for lang in languages:
        answers = []
        for row in _kept(data.get(f"accepted_{lang}")):
            answer = {"text": _clean(row.get("text"))}
            credit = parse_number(row.get("credit"))
            if credit is not None and credit != 1:
                answer["credit"] = tidy_number(credit)
            answers.append(answer)
        accepted[lang] = answers
    return {"accepted": accepted}


def _answers(data, languages) -> dict:
    answers = []
    for row in _kept(data.get("answers")):
        answer = {"value": tidy_number(parse_number(row.get("value")))}
        tolerance = parse_number(row.get("tolerance"))
        if tolerance:
            answer["tolerance"] = tidy_number(tolerance)
        credit = parse_number(row.get("credit"))
        if credit is not None and credit != 1:
            answer["credit"] = tidy_number(credit)
        answers.append(answer)
    return {"answers": answers}


def _scenario(data, languages) -> dict:
    steps = []
    for step in _kept(data.get("steps")):
        choices, taken = [], {row.get("id") for row in step.get("choices") or () if row.get("id")}
        for row in _kept(step.get("choices")):
            text = _texts(row, "text", languages)
            choice_id = row.get("id") or propose_id(text[languages[0]], taken, "choice")
            taken.add(choice_id)
            choice = {
                "id": choice_id,
                "text": text,
                "consequence": _texts(row, "consequence", languages),
            }
            if row.get("next"):
                choice["next"] = row["next"]
            credit = parse_number(row.get("credit"))
            if credit:
                choice["credit"] = tidy_number(credit)
            choices.append(choice)
        text = _texts(step, "text", languages)
        steps.append({"id": step["id"], "text": text, "choices": choices})
    start = data.get("start") or (steps[0]["id"] if steps else "")
    return {"start": start, "steps": steps}


_BUILDERS = {
    "single": _options,
    "multiple": _options,
    "true_false": _true_false,
    "matching": _pairs,
    "ordering": _items,
    "short_text": _accepted,
    "numeric": _answers,
    "scenario": _scenario,
}


def form_data(question: dict, languages) -> dict:
    """The editor form's data for ``question`` (the inverse of :func:`question_from_form`)."""
    data = {"base_hash": question_hash(question), "lesson": question.get("lesson", "")}
    _spread(data, "prompt", question.get("prompt"), languages)
    _spread(data, "feedback", question.get("feedback"), languages)
    kind = question["type"]
    if kind in ("single", "multiple"):
        data["options"] = []
        for option in question["options"]:
            row = {
                "id": option["id"],
                "correct": bool(option.get("correct")),
                "credit": show_number(option.get("credit")),
            }
            _spread(row, "text", option["text"], languages)
            _spread(row, "feedback", option.get("feedback"), languages)
            data["options"].append(row)
    elif kind == "true_false":
        data["answer"] = "true" if question["answer"] else "false"
        _spread(data, "feedback_correct", question.get("feedback_correct"), languages)
        _spread(data, "feedback_incorrect", question.get("feedback_incorrect"), languages)
    elif kind == "matching":
        data["pairs"] = []
        for pair in question["pairs"]:
            row = {"id": pair["id"]}
            _spread(row, "left", pair["left"], languages)
            _spread(row, "right", pair["right"], languages)
            data["pairs"].append(row)
    elif kind == "ordering":
        data["items"] = []
        for position, item in enumerate(question["items"], start=1):
            row = {"id": item["id"], "position": str(position)}
            _spread(row, "text", item["text"], languages)
            data["items"].append(row)
    elif kind == "short_text":
        for lang in languages:
            data[f"accepted_{lang}"] = [
                {"text": answer["text"], "credit": show_number(answer.get("credit", 1))}
                for answer in question["accepted"].get(lang, [])
            ]
    elif kind == "numeric":
        data["answers"] = [
            {
                "value": show_number(answer["value"]),
                "tolerance": show_number(answer.get("tolerance", 0)),
                "credit": show_number(answer.get("credit", 1)),
            }
            for answer in question["answers"]
        ]
    elif kind == "scenario":
        data["start"] = question["start"]
        data["steps"] = [_step_data(step, languages) for step in question["steps"]]
    return data


def _step_data(step: dict, languages) -> dict:
    row = {"id": step["id"], "choices": []}
    _spread(row, "text", step["text"], languages)
    for choice in step["choices"]:
        choice_row = {
            "id": choice["id"],
            "next": choice.get("next") or "",
            "credit": show_number(choice.get("credit", 0)),
        }
        _spread(choice_row, "text", choice["text"], languages)
        _spread(choice_row, "consequence", choice["consequence"], languages)
        row["choices"].append(choice_row)
    return row
