"""An amount of money in Vietnamese words, as a receipt prints it beside the figures.

num2words' Vietnamese ("vi") gives the reading the Ministry of Finance's forms use ("một trăm
nghìn", "một trăm lẻ năm", "hai mươi mốt"); this module only capitalises it and names the currency.
"""

from __future__ import annotations

from num2words import num2words


def amount_in_words(amount: int) -> str:
    """ "Một trăm nghìn đồng" for 100000: the amount read out, capitalised, in đồng."""
    if amount < 0:
        raise ValueError("an amount to print in words is never negative")
    words = " ".join(num2words(int(amount), lang="vi").split())
    return f"{words[:1].upper()}{words[1:]} đồng"


def amount_in_figures(amount: int) -> str:
    """ "100.000 đồng": thousands grouped with dots, as Vietnamese documents write them."""
    return f"{int(amount):,} đồng".replace(",", ".")
