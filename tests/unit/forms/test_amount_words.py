"""Amounts in Vietnamese words, as printed on the e-receipt."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.documents.amount_words import amount_in_figures, amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (21000, "Hai mươi mốt nghìn đồng"),
        (100000, "Một trăm nghìn đồng"),
        (105000, "Một trăm lẻ năm nghìn đồng"),
        (1500000, "Một triệu năm trăm nghìn đồng"),
        (2005000, "Hai triệu năm nghìn đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (1000000000, "Một tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_amount_in_figures():
    assert amount_in_figures(100000) == "100.000 đồng"
    assert amount_in_figures(2005000) == "2.005.000 đồng"
    assert amount_in_figures(500) == "500 đồng"


def test_negative_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)


_VIETNAMESE_WORDS = re.compile(r"^[A-ZÀ-Ỹa-zà-ỹĐđ ]+$")


@given(st.integers(min_value=0, max_value=10**12))
def test_words_are_vietnamese_sentences(amount):
    words = amount_in_words(amount)
    assert words
    assert words[0].isupper()
    assert words.endswith("đồng")
    assert "  " not in words
    assert all(ch.isalpha() or ch == " " for ch in words)
    assert _VIETNAMESE_WORDS.match(words)
