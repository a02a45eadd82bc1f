"""The postal choice on the submission form: read it, quote it, and have the citizen confirm the
postage before the dossier is submitted (the second "Nộp hồ sơ" carries the amounts seen)."""

from __future__ import annotations

from flask import request

from engine.postal.shipments import PostalChoice


def posted_postal_choice() -> PostalChoice | None:
    form = request.form
    pickup, delivery = form.get("postal_pickup") == "1", form.get("postal_delivery") == "1"
    if not (pickup or delivery):
        return None
    return PostalChoice(
        pickup=pickup,
        delivery=delivery,
        address=form.get("postal_address", "").strip(),
        phone=form.get("postal_phone", "").strip(),
        pickup_postage=form.get("confirmed_pickup_postage", type=int) or 0,
        delivery_postage=form.get("confirmed_delivery_postage", type=int) or 0,
    )


def postage_confirmed(choice: PostalChoice) -> bool:
    """The citizen has seen and accepted the postage of every direction chosen."""
    return (not choice.pickup or choice.pickup_postage > 0) and (
        not choice.delivery or choice.delivery_postage > 0
    )
