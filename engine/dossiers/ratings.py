"""Satisfaction ratings (đánh giá sự hài lòng): one per returned dossier, by its applicant.

A rating is attached to the dossier's agency and to every officer who completed one of its
tasks, so statistics can count it per agency and per officer.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Rating, RatingOfficer
from engine.dossiers.queries import get_dossier
from engine.errors import Conflict, InvalidInput, NotFound
from engine.tasks.models import COMPLETED, Task
from engine.users.actor import Actor
from engine.users.models import User

#: level -> label, the five levels of the national satisfaction survey
RATING_LEVELS = {
    5: "Rất hài lòng",
    4: "Hài lòng",
    3: "Bình thường",
    2: "Không hài lòng",
    1: "Rất không hài lòng",
}
RATEABLE_STATUSES = ("returned",)
MAX_COMMENT = 2000


def rate_dossier(
    session: Session, actor: Actor, dossier_code: str, level: int | None, comment: str = ""
) -> Rating:
    dossier = get_dossier(session, actor, dossier_code)
    if dossier.applicant_user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    if dossier.status not in RATEABLE_STATUSES:
        raise Conflict("Chỉ đánh giá được sau khi hồ sơ đã trả kết quả.")
    if level not in RATING_LEVELS:
        raise InvalidInput("Chưa chọn mức độ hài lòng.", {"level": "Vui lòng chọn một mức."})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput("Góp ý quá dài.", {"comment": f"Tối đa {MAX_COMMENT} ký tự."})
    if find_rating(session, dossier.id) is not None:
        raise Conflict("Hồ sơ này đã được đánh giá.")
    officer_ids = session.scalars(
        select(Task.completed_by_id)
        .join(User, User.id == Task.completed_by_id)
        .where(Task.dossier_id == dossier.id, Task.state == COMPLETED, User.kind == "officer")
        .distinct()
    ).all()
    rating = Rating(
        dossier_id=dossier.id,
        user_id=actor.user_id,
        agency_id=dossier.agency_id,
        level=level,
        comment=comment or None,
        officers=[RatingOfficer(user_id=officer_id) for officer_id in sorted(officer_ids)],
    )
    session.add(rating)
    session.flush()
    return rating


def find_rating(session: Session, dossier_id: int) -> Rating | None:
    return session.scalar(select(Rating).where(Rating.dossier_id == dossier_id))
