"""The dossier search key: what an officer types, matched without case or diacritics.

Officers type "nguyen van a" for "Nguyễn Văn A", or paste part of a dossier code or an ID
number. Every dossier keeps `search_text`, the folded code, applicant name and ID number, so
the inbox compares folded text with folded text in SQL (indexed, see the inbox migration)
instead of folding a million names per query.

What matches: the typed words, in order, as a piece of the key ("nguyen van a" finds "Nguyễn Văn
Anh" too), or the exact dossier code. On PostgreSQL a word index (GIN over
`to_tsvector('simple', search_text)`) first narrows the rows to those holding every typed word,
the last one as the start of a word, so a piece must be whole words: "van an" finds "Nguyễn Văn
An" and "Nguyễn Văn Anh", "uyen" does not find "Nguyễn"; ID numbers match from their first
digit. SQLite tests the piece alone.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Boolean, and_, event, func, inspect, literal, literal_column, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from engine.dossiers.models import Dossier

LIKE_ESCAPE = "\\"
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


def search_condition(text: str) -> ColumnElement[bool]:
    """The SQL test "this dossier matches what the officer typed" (see the module docstring)."""
    key = search_key(text)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    typed = re.findall(r"[a-z0-9]+", key)
    # whole words, and the last one as a prefix (still being typed): a prefix of a common word
    # ("nguyen:*") makes the index merge huge lists, a whole word lets it skip through them
    words = " & ".join([*typed[:-1], f"{typed[-1]}:*"] if typed else [])
    return or_(
        Dossier.code == text.strip().upper(),
        _TextMatch(Dossier.search_text, f"%{escaped}%", words),
    )


class _TextMatch(ColumnElement):
    """`column LIKE pattern`, narrowed on PostgreSQL by the word index first."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_string),
        ("words", InternalTraversal.dp_string),
    ]

    def __init__(self, column, pattern: str, words: str):
        self.column = column
        self.pattern = pattern
        self.words = words


@compiles(_TextMatch)
def _like(element: _TextMatch, compiler, **kw) -> str:
    like = element.column.like(element.pattern, escape=LIKE_ESCAPE)
    return f"({compiler.process(like, **kw)})"


@compiles(_TextMatch, "postgresql")
def _words_then_like(element: _TextMatch, compiler, **kw) -> str:
    like = element.column.like(element.pattern, escape=LIKE_ESCAPE)
    if not element.words:
        return compiler.process(like, **kw)
    simple = literal_column("'simple'::regconfig")
    words = func.to_tsvector(simple, element.column).op("@@")(
        func.to_tsquery(simple, literal(element.words))
    )
    return f"({compiler.process(and_(words, like), **kw)})"
