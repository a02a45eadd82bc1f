"""Dossiers citizens submitted on the national portal, received into the same workflow as a
dossier submitted online here (channel 2).

Pulled, not pushed: a worker job asks the adapter (LayDanhSachHoSoDVCQG) every minute. The
adapter (LGSP) is what the province reaches outbound already, with its session and dstcode;
pulling needs no public endpoint of ours opened to it, no second credential to verify its calls
with, and a dossier listed while we were down is simply listed again. Receiving is idempotent on
the portal's code (MaHoSo, unique in portal_dossiers): fetched twice, a dossier enters the
workflow once, and its status updates go back under that code (engine/national_portal/sync.py).

A dossier that cannot enter (unknown procedure, unit or invalid form) is kept with the reason,
shown on the admin page; forgetting it there makes the next fetch try it again.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors.contract import OperationFailed, OperationRefused
from connectors.national_portal.client import SETTINGS_PROVIDER, list_incoming, portal_settings
from engine.agencies.models import Agency
from engine.agencies.tree import require_root_administrator
from engine.connector_settings.settings import provider_settings
from engine.connector_tokens.store import DatabaseSessionStore
from engine.db import transaction
from engine.dossiers.models import CHANNEL_ONLINE, Dossier
from engine.dossiers.submission import create_dossier, start_dossier
from engine.errors import InvalidInput, NotFound
from engine.national_portal.models import PortalDossier
from engine.procedures.form_data import applicant_form_name, validated_form_data
from engine.procedures.models import Procedure
from engine.procedures.queries import latest_version
from engine.procedures.receiving_units import receiving_agencies
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

log = logging.getLogger(__name__)

#: who the first step's history line names
PORTAL_ACTOR = Actor(user_id=None, kind="system", full_name="Cổng Dịch vụ công quốc gia")
FETCH_EVERY_SECONDS = 60


def fetch_portal_dossiers(session_factory: sessionmaker[Session]) -> int:
    """The worker job: list the portal's new dossiers and receive each in its own transaction.
    Returns how many entered the workflow."""
    with session_factory() as session:
        settings = portal_settings(provider_settings(session, SETTINGS_PROVIDER))
    if not settings.sync:
        return 0
    try:
        items = list_incoming(settings, DatabaseSessionStore(session_factory))
    except (OperationFailed, OperationRefused) as error:
        log.warning("national portal: listing incoming dossiers failed: %s", error)
        return 0
    received = 0
    for item in items:
        try:
            with session_factory() as session, transaction(session):
                received += receive_portal_dossier(session, item) is not None
        except IntegrityError:
            continue  # another worker received it meanwhile
    return received


def receive_portal_dossier(session: Session, item: dict) -> Dossier | None:
    """Create the dossier of one portal record and run its first step; None when the code was
    seen before or the record cannot enter (the reason kept on its portal_dossiers row)."""
    code = str(item.get("MaHoSo") or "").strip()
    if not code:
        log.warning("national portal: an incoming dossier without MaHoSo was ignored")
        return None
    if session.scalar(select(PortalDossier.id).where(PortalDossier.portal_code == code)):
        return None
    link = PortalDossier(portal_code=code, record=item)
    session.add(link)
    try:
        procedure, agency, application = _checked(session, item)
    except (InvalidInput, NotFound) as error:
        link.problem = _problem_text(error)
        session.flush()
        return None
    version = latest_version(session, procedure)
    applicant = {
        "applicant_user_id": None,
        "applicant_name": str(item.get("ChuHoSo") or "").strip(),
        "applicant_id_number": item.get("SoDinhDanh") or None,
        "applicant_phone": item.get("SoDienThoai") or None,
        "applicant_email": item.get("Email") or None,
    }
    dossier = create_dossier(
        session, procedure, version, agency, CHANNEL_ONLINE, application, applicant
    )
    link.dossier_id = dossier.id
    session.flush()
    start_dossier(session, PORTAL_ACTOR, dossier, f"Nộp trực tuyến qua Cổng DVC quốc gia ({code})")
    return dossier


def list_refused_portal_dossiers(session: Session, actor: Actor) -> list[PortalDossier]:
    require_root_administrator(session, actor)
    return list(
        session.scalars(
            select(PortalDossier)
            .where(PortalDossier.dossier_id.is_(None))
            .order_by(PortalDossier.received_at)
        )
    )


def forget_refused_portal_dossier(session: Session, actor: Actor, link_id: int) -> str:
    """Drop a refused record so the next fetch tries it again (after the procedure is fixed)."""
    require_root_administrator(session, actor)
    link = session.get(PortalDossier, link_id)
    if link is None or link.dossier_id is not None:
        raise NotFound("Không tìm thấy hồ sơ bị từ chối này.")
    session.delete(link)
    record_admin_change(session, actor, "portal_dossier_retried", f"portal:{link.portal_code}")
    session.flush()
    return link.portal_code


def _checked(session: Session, item: dict) -> tuple[Procedure, Agency, dict]:
    procedure = session.scalar(
        select(Procedure).where(
            Procedure.code == str(item.get("MaTTHC") or ""), Procedure.is_active
        )
    )
    if procedure is None or not procedure.versions:
        raise NotFound(f"Thủ tục {item.get('MaTTHC')!r} chưa có hoặc chưa có quy trình xử lý.")
    if not str(item.get("ChuHoSo") or "").strip():
        raise InvalidInput("Thiếu họ tên chủ hồ sơ (ChuHoSo).")
    units = receiving_agencies(session, procedure)
    wanted = str(item.get("MaDonViTiepNhan") or "").strip()
    chosen = [unit for unit in units if unit.code == wanted] if wanted else units
    if len(chosen) != 1:
        raise InvalidInput(
            f"Không xác định được đơn vị tiếp nhận {wanted!r} của thủ tục {procedure.code}."
        )
    version = latest_version(session, procedure)
    data = item.get("DuLieuToKhai") if isinstance(item.get("DuLieuToKhai"), dict) else {}
    application = validated_form_data(version, applicant_form_name(version), data)
    return procedure, chosen[0], application


def _problem_text(error: InvalidInput | NotFound) -> str:
    fields = getattr(error, "field_errors", None) or {}
    details = "; ".join(f"{key}: {text}" for key, text in fields.items())
    return f"{error.message} {details}".strip()[:2000]
