"""The operations an API key may be allowed, one per resource of /api/v1 and way of using it.

A resource's GET operations need `<resource>:read`, every other method `<resource>:write`;
webapp/api_v1 says which resource each of its blueprints serves.
"""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "catalogue:read": "Đọc danh mục thủ tục hành chính",
    "lookup:read": "Tra cứu tình trạng hồ sơ theo mã",
    "dossiers:read": "Xem hồ sơ của các đơn vị được phép",
    "dossiers:write": "Nộp và cập nhật hồ sơ của các đơn vị được phép",
    "tasks:read": "Xem công việc đang mở của các đơn vị được phép",
    "tasks:write": "Xử lý công việc của các đơn vị được phép",
    "reports:read": "Xem báo cáo, thống kê của các đơn vị được phép",
    "admin:read": "Xem đơn vị, cán bộ, thủ tục của các đơn vị được phép (quản trị)",
    "admin:write": "Quản trị đơn vị, cán bộ, thủ tục của các đơn vị được phép",
    # a person's own store: a key acting for agencies holds no documents of its own
    "documents:read": "Xem kho giấy tờ điện tử của người nộp",
    "documents:write": "Thêm, xóa giấy tờ trong kho giấy tờ điện tử của người nộp",
}

READ_METHODS = frozenset({"GET", "HEAD"})


def scope_for(resource: str, method: str) -> str:
    """The scope a call needs: `dossiers` + POST -> `dossiers:write`."""
    return f"{resource}:{'read' if method.upper() in READ_METHODS else 'write'}"
