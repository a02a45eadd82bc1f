"""Which channels a citizen is told through, besides the portal's own list (always kept)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.notifications.models import ChannelPreference
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.models import User


@dataclass(frozen=True)
class Channels:
    email: bool = True
    zalo: bool = False
    sms: bool = False


#: a dossier filed without an account (at the counter): e-mail when an address was given
WITHOUT_ACCOUNT = Channels()


def channels_of(session: Session, user_id: int | None) -> Channels:
    if user_id is None:
        return WITHOUT_ACCOUNT
    return _chosen(session.get(ChannelPreference, user_id))


def chosen_channels(user: User | None, row: ChannelPreference | None) -> Channels:
    """The channels of an account (`row`: its choice, if it made one); none: no account."""
    return WITHOUT_ACCOUNT if user is None else _chosen(row)


def _chosen(row: ChannelPreference | None) -> Channels:
    if row is None:
        return Channels()
    return Channels(email=row.email, zalo=row.zalo, sms=row.sms)


def save_channels(
    session: Session, actor: Actor, *, email: bool, zalo: bool, sms: bool
) -> Channels:
    """The citizen's own choice; Zalo and SMS need the account's phone number."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.kind == "officer":
        raise NotFound("Không tìm thấy tài khoản công dân.")
    errors = {}
    if (zalo or sms) and not user.phone:
        field = "zalo" if zalo else "sms"
        errors[field] = (
            "Tài khoản chưa có số điện thoại: thêm số điện thoại trước khi chọn nhận qua "
            "Zalo hoặc SMS."
        )
    if email and not user.email:
        errors["email"] = "Tài khoản chưa có địa chỉ e-mail."
    if errors:
        raise InvalidInput("Chưa lưu được cách nhận thông báo.", errors)
    row = session.get(ChannelPreference, user.id) or ChannelPreference(user_id=user.id)
    row.email, row.zalo, row.sms, row.updated_at = email, zalo, sms, utcnow()
    session.add(row)
    session.flush()
    return Channels(email=email, zalo=zalo, sms=sms)
