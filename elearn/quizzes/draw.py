"""Drawing an attempt and reading a learner's answers from a form (pure functions).

Each attempt gets its own random tokens for options, pairs, items and choices, stored with the
attempt: the page's form values mean nothing outside that attempt, so the page source teaches
nothing about the right answers.
"""

from __future__ import annotations

import random

SYSTEM_RANDOM = random.SystemRandom()


class BadAnswer(ValueError):
    """The form holds a value this attempt never offered (a tampered or stale form)."""


class RepeatedPlaces(ValueError):
    """An ordering answer gives the same place to two items or more: the learner's slip,
    refused with a message rather than silently reordered."""

    def __init__(self, places: list[int]) -> None:
        super().__init__(places)
        self.places = places


def _token(rng: random.Random) -> str:
    return f"{rng.getrandbits(40):010x}"


def _tokens(ids: list[str], rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """A token for each id, and the tokens in a random order."""
    mapping = {}
    for identifier in ids:
        token = _token(rng)
        while token in mapping:
            token = _token(rng)
        mapping[token] = identifier
    order = list(mapping)
    rng.shuffle(order)
    return mapping, order


def draw_attempt(
    questions: list[dict], draw: int | None, rng: random.Random = SYSTEM_RANDOM
) -> list[dict]:
    """The questions of a new attempt (a random sample when ``draw`` is set), each with its
    own tokens and shuffled order."""
    chosen = list(questions)
    if draw and draw < len(chosen):
        chosen = rng.sample(chosen, draw)
    drawn = []
    for question in chosen:
        entry = {"key": question["id"]}
        kind = question["type"]
        if kind in ("single", "multiple"):
            entry["tokens"], entry["order"] = _tokens([o["id"] for o in question["options"]], rng)
        elif kind == "matching":
            entry["tokens"], entry["order"] = _tokens([p["id"] for p in question["pairs"]], rng)
            entry["rights"], entry["right_order"] = _tokens(
                [p["id"] for p in question["pairs"]], rng
            )
        elif kind == "ordering":
            entry["tokens"], entry["order"] = _tokens([i["id"] for i in question["items"]], rng)
        elif kind == "scenario":
            ids = [c["id"] for step in question["steps"] for c in step["choices"]]
            entry["tokens"], entry["order"] = _tokens(ids, rng)
        drawn.append(entry)
    return drawn


def _lookup(entry: dict, token: str, table: str = "tokens") -> str:
    try:
        return entry[table][token]
    except KeyError:
        raise BadAnswer(token) from None


def parse_answer(question: dict, entry: dict, form, previous=None):
    """The learner's answer in the grader's terms, from one question's form fields.

    ``form`` maps field names to lists of values (a MultiDict's ``to_dict(flat=False)``).
    Returns None for no answer. Raises BadAnswer for values the attempt never offered.
    """
    kind = question["type"]
    values = form.get("answer", [])
    if kind == "single":
        return _lookup(entry, values[0]) if values and values[0] else None
    if kind == "multiple":
        return sorted({_lookup(entry, value) for value in values if value}) or None
    if kind == "true_false":
        if not values or values[0] not in ("true", "false"):
            if values and values[0]:
                raise BadAnswer(values[0])
            return None
        return values[0] == "true"
    if kind in ("short_text", "numeric"):
        text = (values[0] if values else "").strip()
        return text[:500] or None
    if kind == "matching":
        answer = {}
        for token in entry["order"]:
            chosen = form.get(f"pair-{token}", [""])[0]
            if chosen:
                answer[_lookup(entry, token)] = _lookup(entry, chosen, "rights")
        return answer or None
    if kind == "ordering":
        positions = {}
        for token in entry["order"]:
            raw = form.get(f"position-{token}", [""])[0]
            if raw:
                if not raw.isdigit() or not 1 <= int(raw) <= len(entry["order"]):
                    raise BadAnswer(raw)
                positions[_lookup(entry, token)] = int(raw)
        taken = list(positions.values())
        repeated = sorted({place for place in taken if taken.count(place) > 1})
        if repeated:
            raise RepeatedPlaces(repeated)
        if len(positions) != len(entry["order"]):
            return None
        return [item for item, _ in sorted(positions.items(), key=lambda pair: pair[1])]
    if kind == "scenario":
        path = list(previous or [])
        if values and values[0]:
            path.append(_lookup(entry, values[0]))
        return path or None
    raise BadAnswer(kind)
