"""The wording of each event's notice, as shipped and as the administrator edits it.

A template holds every channel's text for one event: the e-mail's subject and body, and a short
text (the SMS, the line in the portal's list, the content of the Zalo message). Values enter
through `{placeholders}` named in Vietnamese without diacritics, so an administrator can read
them. A line whose placeholder has no value for this dossier is left out (no "Ngày hẹn: " with
nothing after it once the result is returned). Substitution is plain text replacement: the
administrator's text is never evaluated (no `str.format`, whose `{x.__class__}` reaches objects).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.tree import is_root_administrator
from engine.configuration.cache import cached, configuration_changed
from engine.errors import Forbidden, InvalidInput
from engine.notifications.models import NoticeTemplate
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

#: the form fields of a template, in the order the fingerprint reads them
EDITABLE_FIELDS = ("subject", "body", "short_text", "zns_template_id")


class NotPreviewed(InvalidInput):
    """Saving a text the administrator has not previewed."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    #: what the administrator reads next to it
    meaning: str
    #: the value the preview shows
    sample: str


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("ma_ho_so", "Mã hồ sơ", "000.00.20.H25-261206-0001"),
    Placeholder("ten_thu_tuc", "Tên thủ tục", "Đăng ký thành lập hộ kinh doanh"),
    Placeholder("nguoi_nop", "Họ tên người nộp", "Nguyễn Văn An"),
    Placeholder("co_quan", "Cơ quan giải quyết", "UBND phường Bến Nghé"),
    Placeholder("ngay_hen", "Ngày hẹn trả kết quả (khi hồ sơ đang giải quyết)", "18/12/2026"),
    Placeholder(
        "link_tra_cuu",
        "Địa chỉ tra cứu tình trạng hồ sơ",
        "https://dichvucong.example.vn/tra-cuu?ma=000.00.20.H25-261206-0001",
    ),
    Placeholder(
        "link_bien_nhan",
        "Địa chỉ giấy tiếp nhận hồ sơ điện tử",
        "https://dichvucong.example.vn/ho-so/000.00.20.H25-261206-0001/bien-nhan",
    ),
    Placeholder(
        "link_bien_lai",
        "Địa chỉ biên lai điện tử phí, lệ phí (khi đã thanh toán)",
        "https://dichvucong.example.vn/bien-lai/K7Q2M9XW",
    ),
    Placeholder(
        "giay_to_bo_sung",
        "Danh sách giấy tờ cần bổ sung, mỗi giấy tờ một dòng",
        "- Bản sao Giấy chứng nhận quyền sử dụng đất\n- Bản vẽ thiết kế có chữ ký",
    ),
    Placeholder("loi_nhan", "Lời nhắn, lý do của cán bộ", "Bản vẽ chưa có chữ ký của chủ hộ."),
    Placeholder(
        "link_danh_gia",
        "Địa chỉ đánh giá mức độ hài lòng",
        "https://dichvucong.example.vn/ho-so/000.00.20.H25-261206-0001#danh-gia",
    ),
)
PLACEHOLDER_NAMES = frozenset(placeholder.name for placeholder in PLACEHOLDERS)
SAMPLE_VALUES = {placeholder.name: placeholder.sample for placeholder in PLACEHOLDERS}

_PLACE = re.compile(r"\{([^{}\n]*)\}")

_FOOTER = (
    "Đây là thư tự động của Cổng Dịch vụ công — Một cửa điện tử, vui lòng không trả lời thư này."
)


@dataclass(frozen=True)
class Event:
    name: str
    #: what the administrator reads in the list of templates
    label: str
    #: the e-mail subject after "Hồ sơ {ma_ho_so}: "
    subject: str
    #: the first sentence of every channel
    text: str
    #: lines added to the e-mail body after the text (facts that only this event has)
    extra: tuple[str, ...] = ()


EVENTS: tuple[Event, ...] = (
    Event(
        "submitted",
        "Nộp hồ sơ thành công",
        "đã nộp thành công",
        "Hồ sơ đã được nộp thành công, đang chờ Bộ phận Một cửa tiếp nhận.",
        ("Giấy tiếp nhận hồ sơ điện tử: {link_bien_nhan}",),
    ),
    Event("received", "Đã tiếp nhận hồ sơ", "đã được tiếp nhận", "Hồ sơ đã được tiếp nhận."),
    Event(
        "payment_received",
        "Đã thanh toán phí, lệ phí (kèm biên lai điện tử)",
        "đã thanh toán phí, lệ phí",
        "Đã nhận đủ phí, lệ phí của hồ sơ; biên lai điện tử có trên trang hồ sơ.",
        ("Biên lai điện tử: {link_bien_lai}",),
    ),
    Event(
        "supplement_requested",
        "Yêu cầu bổ sung hồ sơ (liệt kê giấy tờ còn thiếu)",
        "yêu cầu bổ sung",
        "Cơ quan yêu cầu bổ sung hồ sơ.",
        ("Giấy tờ cần bổ sung:", "{giay_to_bo_sung}"),
    ),
    Event("result_ready", "Đã có kết quả", "đã có kết quả", "Đã có kết quả giải quyết hồ sơ."),
    Event(
        "returned",
        "Đã trả kết quả, mời đánh giá",
        "đã trả kết quả",
        "Đã trả kết quả hồ sơ.",
        ("Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ: {link_danh_gia}",),
    ),
    Event(
        "apology_extension",
        "Chậm trả kết quả: thư xin lỗi và hẹn lại ngày",
        "thư xin lỗi và hẹn lại ngày trả kết quả",
        "Cơ quan xin lỗi vì hồ sơ chậm giải quyết và hẹn lại ngày trả kết quả.",
    ),
    Event(
        "refused", "Không tiếp nhận hồ sơ", "không được tiếp nhận", "Hồ sơ không được tiếp nhận."
    ),
    Event("stopped", "Dừng xử lý hồ sơ", "dừng xử lý", "Hồ sơ đã dừng xử lý."),
    Event(
        "transferred",
        "Chuyển liên thông",
        "chuyển liên thông",
        "Hồ sơ đã được chuyển liên thông đến cơ quan có thẩm quyền.",
    ),
    Event(
        "forwarded",
        "Chuyển cán bộ khác xử lý",
        "có cập nhật mới",
        "Hồ sơ đã được chuyển cho cán bộ khác xử lý.",
    ),
    Event("withdrawn", "Rút hồ sơ", "đã rút hồ sơ", "Hồ sơ đã được rút theo yêu cầu."),
    Event(
        "returned_to_previous",
        "Trả về bước trước",
        "có cập nhật mới",
        "Hồ sơ được trả về bước xử lý trước để xem xét lại.",
    ),
    Event(
        "action_undone",
        "Hoàn tác thao tác",
        "có cập nhật mới",
        "Một thao tác xử lý hồ sơ đã được hoàn tác.",
    ),
    Event(
        "moved_by_admin",
        "Quản trị chuyển bước",
        "có cập nhật mới",
        "Hồ sơ được chuyển về một bước xử lý trước.",
    ),
)
EVENTS_BY_NAME = {event.name: event for event in EVENTS}
#: a notice whose template the engine does not know (a BPMN may name any)
OTHER = Event("other", "Thông báo khác", "có cập nhật mới", "Có cập nhật mới về hồ sơ của bạn.")


@dataclass(frozen=True)
class Wording:
    """One event's texts, with placeholders; `custom` when an administrator saved them."""

    event: str
    subject: str
    body: str
    short_text: str
    zns_template_id: str = ""
    custom: bool = False


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    body: str
    short_text: str
    zns_template_id: str


def shipped_wording(event: str) -> Wording:
    """The text motcua ships for `event`: the layout every notice e-mail had before editing."""
    known = EVENTS_BY_NAME.get(event, OTHER)
    lines = [
        "Kính gửi ông/bà {nguoi_nop},",
        "",
        known.text,
        "{loi_nhan}",
        *(["", *known.extra] if known.extra else []),
        "",
        "Mã hồ sơ: {ma_ho_so}",
        "Thủ tục: {ten_thu_tuc}",
        "Ngày hẹn trả kết quả: {ngay_hen}",
        "",
        "Tra cứu tình trạng hồ sơ: {link_tra_cuu}",
        "",
        _FOOTER,
    ]
    return Wording(
        event=event,
        subject=f"Hồ sơ {{ma_ho_so}}: {known.subject}",
        body="\n".join(lines),
        short_text=f"Hồ sơ {{ma_ho_so}}: {known.text}",
    )


def wording_for(session: Session, event: str) -> Wording:
    """The administrator's wording of `event`, else the shipped one; a step reads it from this
    process's cache while no edit has changed it."""
    return cached(session, ("notice_wording", event), lambda: _stored_wording(session, event))


def _stored_wording(session: Session, event: str) -> Wording:
    row = session.get(NoticeTemplate, event)
    if row is None:
        return shipped_wording(event)
    return Wording(
        event=event,
        subject=row.subject,
        body=row.body,
        short_text=row.short_text,
        zns_template_id=row.zns_template_id,
        custom=True,
    )


def saved_wordings(session: Session) -> dict[str, NoticeTemplate]:
    """The events an administrator has reworded, by event."""
    return {row.event: row for row in session.scalars(select(NoticeTemplate))}


def event_text(event: str) -> str:
    """The shipped first sentence of an event (what older notices without a stored text show)."""
    return EVENTS_BY_NAME.get(event, OTHER).text


def render(wording: Wording, values: Mapping[str, str]) -> RenderedNotice:
    """The texts for one dossier: placeholders filled, lines with an empty placeholder dropped."""
    return RenderedNotice(
        subject=" ".join(_fill(wording.subject, values).split()),
        body=_collapse_blank_lines(_fill(wording.body, values)).strip() + "\n",
        short_text=" ".join(_fill(wording.short_text, values).split()),
        zns_template_id=wording.zns_template_id,
    )


def preview(fields: Mapping[str, str]) -> RenderedNotice:
    """What a template under edit gives with sample values; InvalidInput as saving would."""
    wording = _checked_wording("preview", fields)
    return render(wording, SAMPLE_VALUES)


def fingerprint(fields: Mapping[str, str]) -> str:
    """Names the exact texts a preview showed, so saving can insist they were previewed."""
    texts = "\x1f".join(
        (fields.get(name) or "").replace("\r\n", "\n").strip() for name in EDITABLE_FIELDS
    )
    return hashlib.sha256(texts.encode("utf-8")).hexdigest()


def save_wording(
    session: Session,
    actor: Actor,
    event: str,
    fields: Mapping[str, str],
    *,
    previewed: str | None = None,
) -> NoticeTemplate:
    """Store an administrator's wording of `event` (deployment-wide, so top-level admins only).

    Only texts the administrator has seen rendered are saved: `previewed` must be the
    fingerprint of these very fields (a text changed after its preview is previewed again).
    """
    _require_editor(session, actor)
    if event not in EVENTS_BY_NAME:
        raise InvalidInput(f"Không có sự kiện thông báo „{event}”.")
    wording = _checked_wording(event, fields)
    if previewed != fingerprint(fields):
        raise NotPreviewed("Nội dung đã thay đổi: xem trước bản mới rồi mới lưu.")
    row = session.get(NoticeTemplate, event) or NoticeTemplate(event=event)
    row.subject, row.body, row.short_text = wording.subject, wording.body, wording.short_text
    row.zns_template_id = wording.zns_template_id
    row.updated_at, row.updated_by_id = utcnow(), actor.user_id
    session.add(row)
    record_admin_change(
        session,
        actor,
        "notice_template_saved",
        f"Mẫu thông báo: {EVENTS_BY_NAME[event].label}",
        {"event": event, "subject": wording.subject},
    )
    session.flush()
    configuration_changed(session)
    return row


def reset_wording(session: Session, actor: Actor, event: str) -> None:
    """Back to the shipped text."""
    _require_editor(session, actor)
    row = session.get(NoticeTemplate, event)
    if row is None:
        return
    session.delete(row)
    record_admin_change(
        session,
        actor,
        "notice_template_reset",
        f"Mẫu thông báo: {EVENTS_BY_NAME.get(event, OTHER).label}",
        {"event": event},
    )
    session.flush()
    configuration_changed(session)


def may_edit_templates(session: Session, actor: Actor) -> bool:
    return is_root_administrator(session, actor)


def sms_segments(text: str) -> int:
    """How many SMS a text takes: Vietnamese with diacritics is sent as UCS-2 (70 characters
    in one message, 67 per part once split), plain ASCII as GSM 7-bit (160, then 153)."""
    if not text:
        return 0
    single, part = (160, 153) if text.isascii() else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


def _checked_wording(event: str, fields: Mapping[str, str]) -> Wording:
    errors: dict[str, str] = {}
    subject = (fields.get("subject") or "").strip()
    body = (fields.get("body") or "").replace("\r\n", "\n").strip()
    short_text = (fields.get("short_text") or "").strip()
    zns = (fields.get("zns_template_id") or "").strip()
    for name, value, limit, label in (
        ("subject", subject, 255, "Tiêu đề thư"),
        ("body", body, 10_000, "Nội dung thư"),
        ("short_text", short_text, 500, "Nội dung ngắn"),
    ):
        if not value:
            errors[name] = f"{label} không được để trống."
        elif len(value) > limit:
            errors[name] = f"{label} dài quá {limit} ký tự ({len(value)})."
        elif problem := _placeholder_problem(value):
            errors[name] = problem
    if "\n" in subject:
        errors["subject"] = "Tiêu đề thư chỉ có một dòng."
    if zns and not (zns.isdigit() and len(zns) <= 40):
        errors["zns_template_id"] = "Mã mẫu ZNS là dãy số Zalo cấp khi duyệt mẫu (tối đa 40 số)."
    if errors:
        raise InvalidInput("Mẫu thông báo chưa hợp lệ, vui lòng kiểm tra lại.", errors)
    return Wording(event, subject, body, short_text, zns, custom=True)


def _placeholder_problem(text: str) -> str | None:
    names = _PLACE.findall(text)
    unknown = sorted({name for name in names if name not in PLACEHOLDER_NAMES})
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        return f"Không có biến {listed}. Chỉ dùng các biến trong bảng bên cạnh."
    if text.count("{") != len(names) or text.count("}") != len(names):
        return "Dấu { } chỉ dùng để bao tên biến, ví dụ {ma_ho_so}."
    return None


def _fill(text: str, values: Mapping[str, str]) -> str:
    lines = []
    for line in text.split("\n"):
        names = _PLACE.findall(line)
        if names and not all(str(values.get(name) or "").strip() for name in names):
            continue
        lines.append(_PLACE.sub(lambda match: str(values.get(match.group(1)) or ""), line))
    return "\n".join(lines)


def _collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text)


def _require_editor(session: Session, actor: Actor) -> None:
    if not may_edit_templates(session, actor):
        raise Forbidden("Chỉ quản trị của đơn vị cấp cao nhất được sửa mẫu thông báo.")
