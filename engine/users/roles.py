"""The roles a user can hold in an agency. BPMN lanes name these codes."""

ROLES: dict[str, str] = {
    "reception": "Cán bộ một cửa",
    "processing": "Cán bộ thụ lý",
    "leader": "Lãnh đạo phòng",
    "agency_leader": "Lãnh đạo cơ quan",
    "admin": "Quản trị hệ thống",
    "auditor": "Thanh tra, kiểm tra",
}

#: lanes for the applicant's own tasks (a supplement answer)
APPLICANT_LANE = "applicant"

#: roles that a BPMN lane may name
LANE_ROLES: set[str] = {"reception", "processing", "leader", "agency_leader"}
