"""The postage the citizen sees before confirming a submission with postal services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from connectors.contract import OperationFailed, OperationRefused
from connectors.vnpost.client import SETTINGS_PROVIDER, VnpostSettings, quote
from engine.agencies.models import Agency
from engine.connector_settings.settings import provider_settings
from engine.errors import InvalidInput
from engine.postal.models import DELIVERY, PICKUP
from engine.postal.shipments import PostalChoice, agency_address
from engine.procedures.models import Procedure
from engine.procedures.queries import get_procedure
from engine.procedures.receiving_units import receiving_agencies


def postal_quote(
    session: Session, choice: PostalChoice, procedure: Procedure, agency_id: int | None
) -> dict[str, int]:
    """{direction: đồng} for each direction chosen, asked of the post office now; InvalidInput
    for an incomplete address or phone, or a post office that does not answer."""
    choice.check()
    settings = VnpostSettings.read(provider_settings(session, SETTINGS_PROVIDER))
    agency = session.get(Agency, agency_id) if agency_id else None
    if agency is None:
        units = receiving_agencies(session, procedure)
        agency = units[0] if units else None
    destination = agency_address(agency) if agency else procedure.name
    quotes = {}
    try:
        if choice.pickup:
            quotes[PICKUP] = quote(PICKUP, choice.address, destination, settings)
        if choice.delivery:
            quotes[DELIVERY] = quote(DELIVERY, destination, choice.address, settings)
    except (OperationFailed, OperationRefused) as error:
        message = "Chưa lấy được cước bưu chính từ bưu điện, vui lòng thử lại sau ít phút."
        raise InvalidInput(message, {"postal_address": message}) from error
    return quotes


def quote_postage(
    session: Session, procedure_code: str, choice: PostalChoice, agency_id: int | None
) -> dict[str, int]:
    """The quote for a submission of this procedure (the API asks before submitting, as the
    portal's confirmation shows it); NotFound for an unknown procedure."""
    return postal_quote(session, choice, get_procedure(session, procedure_code), agency_id)
