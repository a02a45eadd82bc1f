"""The dossier search key: what an officer types, matched without case or diacritics.

Officers type "nguyen van a" for "Nguyễn Văn A", or paste part of a dossier code or an ID
number. Every dossier keeps `search_text`, the folded code, applicant name and ID number, so
the inbox compares folded text with folded text in SQL (indexed, see the inbox migration)
instead of folding a million names per query.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import event, inspect

from engine.dossiers.models import Dossier

#: the applicant and code attributes the key is built from
SEARCHED_ATTRIBUTES = ("code", "applicant_name", "applicant_id_number")


def search_key(text: str | None) -> str:
    """Lowercase, without diacritics (đ becomes d), single spaces: the form both sides share."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


def dossier_search_text(dossier: Dossier) -> str:
    """The key stored on the dossier: code, applicant name and ID number, one line."""
    return search_key(" ".join(str(getattr(dossier, name) or "") for name in SEARCHED_ATTRIBUTES))


@event.listens_for(Dossier, "before_insert")
def _fill_search_text(_mapper, _connection, dossier: Dossier) -> None:
    dossier.search_text = dossier_search_text(dossier)


@event.listens_for(Dossier, "before_update")
def _refresh_search_text(_mapper, _connection, dossier: Dossier) -> None:
    """Wherever the applicant's name, ID number or the code changes, the key follows."""
    state = inspect(dossier)
    if any(state.attrs[name].history.has_changes() for name in SEARCHED_ATTRIBUTES):
        dossier.search_text = dossier_search_text(dossier)
