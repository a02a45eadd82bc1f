"""Accepting an upload: size and type checked from the content, bytes stored, a row recorded.

The bytes are stored under their SHA-256; the name the browser sent is kept only as a label
(`original_name`) and never becomes a path.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.files.content_types import ALLOWED, declared_content_type, detect_content_type
from engine.files.hostile_content import hostile_content_problem
from engine.files.models import StoredFile
from engine.files.storage import FileStorage
from engine.users.actor import Actor

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def store_upload(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    *,
    filename: str,
    content: bytes,
    field: str = "file",
    dossier_id: int | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    allowed: Mapping[str, str] = ALLOWED,
) -> StoredFile:
    """Check and keep one uploaded file; InvalidInput names the field when it is refused.

    `allowed` narrows the accepted types for a field (MIME type -> the name users know)."""
    if not content:
        raise InvalidInput("Tệp tải lên bị rỗng.", {field: "Tệp rỗng, vui lòng chọn lại."})
    if len(content) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise InvalidInput(
            "Tệp tải lên quá lớn.", {field: f"Tệp vượt quá dung lượng cho phép ({limit} MB)."}
        )
    content_type = detect_content_type(content)
    if content_type is None or content_type not in allowed:
        kinds = ", ".join(allowed.values())
        raise InvalidInput(
            "Loại tệp không được chấp nhận.",
            {field: f"Nội dung tệp không phải {kinds} (phần mở rộng của tên tệp không được tính)."},
        )
    declared = declared_content_type(filename)
    if declared is not None and declared != content_type:
        extension, real = filename[filename.rfind(".") :], ALLOWED[content_type]
        raise InvalidInput(
            "Tên tệp không khớp nội dung.",
            {
                field: f"Tên tệp có đuôi {extension} nhưng nội dung là tệp {real}. "
                "Vui lòng kiểm tra lại tệp hoặc đổi tên cho đúng."
            },
        )
    problem = hostile_content_problem(content, content_type)
    if problem:
        raise InvalidInput("Tệp tải lên không an toàn.", {field: problem})
    key = storage.put(content)
    stored = StoredFile(
        storage_key=key,
        sha256=key,
        size=len(content),
        content_type=content_type,
        original_name=(filename or "tep")[:255],
        owner_user_id=actor.user_id,
        dossier_id=dossier_id,
    )
    session.add(stored)
    session.flush()
    return stored


def get_file(session: Session, actor: Actor, file_id: int, *, may_see_dossier) -> StoredFile:
    """The file if the actor owns it or may see its dossier; NotFound otherwise."""
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound("Không tìm thấy tệp.")
    if actor.user_id is not None and stored.owner_user_id == actor.user_id:
        return stored
    if stored.dossier_id is not None and may_see_dossier(stored.dossier_id):
        return stored
    raise NotFound("Không tìm thấy tệp.")
