"""Whole numbers the API stores or looks up by: they must fit PostgreSQL's `integer`.

A larger number would reach the database and fail there (a 500 schemathesis found); refused
here, it is a field error like any other.
"""

from __future__ import annotations

from marshmallow import fields, validate

#: the largest value of a PostgreSQL `integer` column (ids, versions, levels)
INTEGER_MAX = 2**31 - 1


def stored_integer(
    minimum: int = 1, maximum: int = INTEGER_MAX, *, strict: bool = True, **kwargs
) -> fields.Integer:
    """An integer within the column's range; strict in a JSON body (no "3", no 3.5), not in a
    query string, where every value is text."""
    return fields.Integer(strict=strict, validate=validate.Range(minimum, maximum), **kwargs)


def id_segment(name: str) -> str:
    """A URL segment for an id the database can hold: a larger one is no route (404), never a
    database error."""
    return f"<int(min=1, max={INTEGER_MAX}):{name}>"
