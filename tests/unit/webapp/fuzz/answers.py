"""Hypothesis strategies for form answers as a hostile or careless client sends them: wrong
types, huge and odd Unicode strings, nesting, unknown fields, over valid answers of a form."""

from __future__ import annotations

import re

from hypothesis import strategies as st

#: a message a Vietnamese reader understands has at least one Vietnamese letter
VIETNAMESE = re.compile(
    r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)

#: every code point a client can send in UTF-8 (no lone surrogates), control characters and NUL
#: included
characters = st.characters(exclude_categories=("Cs",))
odd_text = st.one_of(
    st.text(characters, max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "null",
            "1e309",
            "-0",
            "NaN",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "{{ 7*7 }}",
            "../../etc/passwd",
            "Nguyễn\u200bVăn\u202eAn",
            "𝔑𝔤𝔲𝔶ễ𝔫 👨‍👩‍👧",
            "31/02/2026",
            "00/00/0000",
            "0912345678" * 3,
        ]
    ),
    st.integers(min_value=301, max_value=40_000).map(lambda n: "ầ" * n),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def json_answers(draw, valid: dict) -> dict:
    """A valid answer with some fields replaced by anything JSON holds and some unknown ones."""
    answers = dict(valid)
    for name in draw(st.lists(st.sampled_from(sorted(valid)), unique=True, max_size=5)):
        answers[name] = draw(json_values)
    for name in draw(st.lists(st.text(max_size=20), max_size=2)):
        answers[name] = draw(json_values)
    return answers


@st.composite
def posted_answers(draw, valid: dict) -> dict:
    """What an HTML form post can carry instead: strings, repeated fields, unknown fields."""
    answers = {name: _as_posted(value) for name, value in valid.items()}
    for name in draw(st.lists(st.sampled_from(sorted(valid)), unique=True, max_size=5)):
        answers[name] = draw(st.one_of(odd_text, st.lists(odd_text, min_size=2, max_size=3)))
    for name in draw(st.lists(st.text(characters, min_size=1, max_size=20), max_size=2)):
        answers[name] = draw(odd_text)
    return answers


def _as_posted(value) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)
