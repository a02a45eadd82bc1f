"""A local adapter of the national public-service portal, speaking the protocol of
connectors/national_portal/client.py, for tests and `make run`.

It checks the login, the session and the `dstcode` header; validates DongBoHoSoMC and
CapNhatTienDoHoSoMC records (a progress entry for a dossier the portal does not know yet is
refused, as the portal does: order matters); records every call it received, accepted or not,
so tests assert on the exact payloads; can be taken `down` (503) and its sessions expired; and
serves a small procedure catalogue and the dossiers citizens "submitted on the portal".

    python -m connectors.national_portal.sandbox --port 5008
"""

from __future__ import annotations

import argparse
import copy
import secrets
import threading

from flask import Flask, jsonify, request

from connectors.national_portal.client import (
    ACCEPTED,
    GET_PROCEDURE,
    INVALID_DATA,
    LIST_INCOMING,
    LIST_PROCEDURES,
    SANDBOX_DSTCODE,
    SANDBOX_PASSWORD,
    SANDBOX_UNIT_CODE,
    SANDBOX_USERNAME,
    SESSION_INVALID,
    SYNC_DOSSIER,
    SYNC_PROGRESS,
    UNKNOWN_RECORD,
    UNKNOWN_SERVICE,
    WRONG_CREDENTIALS,
    WRONG_DESTINATION,
)
from connectors.sandbox_server import SandboxServer

DOSSIER_FIELDS = ("MaHoSo", "MaTTHC", "TenTTHC", "KenhThucHien", "ChuHoSo", "TrangThaiHoSo")
PROGRESS_FIELDS = (
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "ThoiDiemXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "NgayBatDau",
    "NgayKetThucTheoQuyDinh",
)

#: the catalogue the sandbox portal publishes until a test replaces it
CATALOGUE = [
    {
        "MATTHC": "2.000986",
        "TENTTHC": "Đăng ký kết hôn",
        "CAPTHUCHIEN": [{"TENCAP": "Cấp Xã"}],
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G09-TP02", "TENLINHVUC": "Hộ tịch"}],
        "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [{"TENTRINHTU": "Nộp hồ sơ"}]}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 1,
                "THOIGIAN": [
                    {"THOIGIANGIAIQUYET": 1, "DONVITINH": "Ngày làm việc", "PHILEPHI": []}
                ],
            }
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {
                        "MAGIAYTO": "tokhai",
                        "TENGIAYTO": "Tờ khai đăng ký kết hôn",
                        "SOBANCHINH": 1,
                        "SOBANSAO": 0,
                    }
                ],
            }
        ],
        "COQUANTHUCHIEN": [{"MADONVI": "", "TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "YEUCAU": "",
        "MOTADOITUONGTHUCHIEN": "Công dân Việt Nam",
        "KETQUATHUCHIEN": [{"MAKETQUA": "", "TENKETQUA": "Giấy chứng nhận kết hôn"}],
        "CANCUPHAPLY": [{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"}],
    }
]


def create_adapter_app(
    username: str = SANDBOX_USERNAME,
    password: str = SANDBOX_PASSWORD,
    dstcode: str = SANDBOX_DSTCODE,
) -> Flask:
    """The adapter as a Flask app; its state is app.extensions["national_portal_sandbox"]."""
    app = Flask(__name__)
    lock = threading.Lock()
    state: dict = {
        "credentials": (username, password),
        "dstcode": dstcode,
        "sessions": set(),
        "logins": 0,
        "calls": [],
        "dossiers": {},
        "progress": [],
        "catalogue": {record["MATTHC"]: copy.deepcopy(record) for record in CATALOGUE},
        "incoming": [],
        "refused": {},
        "down": False,
    }
    app.extensions["national_portal_sandbox"] = state

    @app.post("/login")
    def login():
        if state["down"]:
            return jsonify(error_code=503, message="Hệ thống đang bảo trì"), 503
        body = request.get_json(silent=True) or {}
        if (body.get("username"), body.get("password")) != state["credentials"]:
            return jsonify(error_code=WRONG_CREDENTIALS, message="Sai tài khoản hoặc mật khẩu")
        token = secrets.token_urlsafe(16)
        with lock:
            state["sessions"].add(token)
            state["logins"] += 1
        return jsonify(error_code=ACCEPTED, message="Đăng nhập thành công", session=token)

    @app.post("/api")
    def api():
        body = request.get_json(silent=True) or {}
        call = {
            "dstcode": request.headers.get("dstcode", ""),
            "service": body.get("service"),
            "madonvi": body.get("madonvi"),
            "session": body.get("session"),
            "data": body.get("data"),
        }
        state["calls"].append(call)
        if state["down"]:
            call["answer"] = 503
            return jsonify(error_code=503, message="Hệ thống đang bảo trì"), 503
        with lock:
            code, message, data = _answer(state, call)
        call["answer"] = code
        answer = {"error_code": code, "message": message}
        if data is not None:
            answer["data"] = data
        return jsonify(answer)

    return app


def _answer(state: dict, call: dict) -> tuple[int, str, object]:
    if call["session"] not in state["sessions"]:
        return SESSION_INVALID, "Phiên làm việc không hợp lệ hoặc đã hết hạn", None
    if call["dstcode"] != state["dstcode"]:
        return WRONG_DESTINATION, f"Không tìm thấy hệ thống đích {call['dstcode']!r}", None
    service, data = call["service"], call["data"]
    refused = [
        state["refused"][row.get("MaHoSo")]
        for row in (data if isinstance(data, list) else [])
        if isinstance(row, dict) and row.get("MaHoSo") in state["refused"]
    ]
    if refused:
        return INVALID_DATA, refused[0], None
    if service == SYNC_DOSSIER:
        problem = _rows_problem(data, DOSSIER_FIELDS, "TrangThaiHoSo")
        if problem:
            return INVALID_DATA, problem, None
        for row in data:
            state["dossiers"][row["MaHoSo"]] = row
        return ACCEPTED, "Đồng bộ hồ sơ thành công", None
    if service == SYNC_PROGRESS:
        problem = _rows_problem(data, PROGRESS_FIELDS, "TrangThai")
        if problem:
            return INVALID_DATA, problem, None
        unknown = [row["MaHoSo"] for row in data if row["MaHoSo"] not in state["dossiers"]]
        if unknown:
            return UNKNOWN_RECORD, f"Hồ sơ {unknown[0]} chưa được đồng bộ", None
        for row in data:
            if row not in state["progress"]:
                state["progress"].append(row)
        return ACCEPTED, "Cập nhật tiến độ thành công", None
    if service == LIST_PROCEDURES:
        rows = [
            {"MATTHC": code, "TENTTHC": record.get("TENTTHC", "")}
            for code, record in sorted(state["catalogue"].items())
        ]
        return ACCEPTED, "Thành công", rows
    if service == GET_PROCEDURE:
        code = (data or {}).get("MATTHC") if isinstance(data, dict) else None
        if code not in state["catalogue"]:
            return UNKNOWN_RECORD, f"Không tìm thấy thủ tục {code!r}", None
        return ACCEPTED, "Thành công", state["catalogue"][code]
    if service == LIST_INCOMING:
        return ACCEPTED, "Thành công", list(state["incoming"])
    return UNKNOWN_SERVICE, f"Dịch vụ {service!r} không được hỗ trợ", None


def _rows_problem(data: object, fields: tuple[str, ...], status_field: str) -> str | None:
    if not isinstance(data, list) or not data:
        return "data phải là danh sách bản ghi"
    for row in data:
        if not isinstance(row, dict):
            return "Bản ghi không phải đối tượng JSON"
        missing = [name for name in fields if name not in row]
        if missing:
            return f"Thiếu trường {', '.join(missing)}"
        status = row[status_field]
        if not isinstance(status, int) or not 1 <= status <= 10:
            return f"{status_field} phải là mã trạng thái từ 1 đến 10"
    return None


class NationalPortalSandbox(SandboxServer):
    """The adapter served on a free port in a thread: `start()`, use `base_url`, `stop()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__(create_adapter_app(), host, port)

    @property
    def _state(self) -> dict:
        return self.app.extensions["national_portal_sandbox"]

    def calls(self, service: str | None = None) -> list[dict]:
        """Every call received, in order ({"dstcode", "service", "madonvi", "session", "data",
        "answer"}), of one service when named."""
        return [call for call in self._state["calls"] if service in (None, call["service"])]

    def accepted(self, service: str) -> list[dict]:
        """The records of `service` the portal accepted, in the order it accepted them."""
        return [
            row
            for call in self.calls(service)
            if call.get("answer") == ACCEPTED
            for row in call["data"]
        ]

    @property
    def dossiers(self) -> dict[str, dict]:
        """The portal's current record of each dossier, by MaHoSo."""
        return self._state["dossiers"]

    @property
    def progress(self) -> list[dict]:
        return self._state["progress"]

    @property
    def logins(self) -> int:
        return self._state["logins"]

    def set_down(self, down: bool = True) -> None:
        """Answer every request with 503 (an outage) until set up again."""
        self._state["down"] = down

    def refuse(self, code: str, message: str | None = "Dữ liệu hồ sơ không hợp lệ") -> None:
        """Refuse every record of dossier `code` with `message` (None: accept them again)."""
        if message is None:
            self._state["refused"].pop(code, None)
        else:
            self._state["refused"][code] = message

    def expire_sessions(self) -> None:
        """Forget every session, as an adapter restart does."""
        self._state["sessions"].clear()

    def publish_procedure(self, record: dict) -> None:
        """Put a procedure record (LayThuTuc shape) in the portal's catalogue."""
        self._state["catalogue"][record["MATTHC"]] = copy.deepcopy(record)

    def submit_on_portal(self, dossier: dict) -> None:
        """A citizen submits a dossier on the portal; LayDanhSachHoSoDVCQG lists it."""
        self._state["incoming"].append(copy.deepcopy(dossier))

    @property
    def settings(self) -> dict[str, str]:
        """The stored settings of provider `national_portal` pointing at this sandbox."""
        return {
            "base_url": self.base_url,
            "username": SANDBOX_USERNAME,
            "password": SANDBOX_PASSWORD,
            "dstcode": SANDBOX_DSTCODE,
            "unit_code": SANDBOX_UNIT_CODE,
            "sync": "1",
        }

    @property
    def environment(self) -> dict[str, str]:
        return {
            f"MOTCUA_NATIONAL_PORTAL_{key.upper()}": value for key, value in self.settings.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Adapter Cổng DVC quốc gia thử nghiệm.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5008)
    args = parser.parse_args()
    sandbox = NationalPortalSandbox(args.host, args.port)
    print(f"Adapter Cổng DVC quốc gia thử nghiệm: {sandbox.base_url}", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
