# ruff: noqa: E501 (one row per endpoint reads best unwrapped)
"""Who may use each endpoint: the expected outcome for every (method, endpoint) × role.

Read by test_scope_matrix.py. Each row is nine outcomes in the order of ROLES:

    anonymous  citizen_a  citizen_b  officer_x  officer_y  leader  admin_x  admin_y  auditor

`A` allowed, `L` redirected to sign in, `401`/`403`/`404` refused with that status. Agency X is
the demo ward (its reception officer, leader and administrator), Y the partner ward (its
processing officer and administrator); the auditor sits at the province. The dossier, its task
and its file belong to citizen A in X. A refusal by 404 hides that the thing exists.

Reads (GET) are requested by every role. Writes are requested only by the roles marked refused,
with a valid CSRF token and, where the view checks its input before the scope (`form`, `files`),
with enough input that the scope check is what answers. A new endpoint fails the test until it
has a row here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "officer_x",
    "officer_y",
    "leader",
    "admin_x",
    "admin_y",
    "auditor",
)
USERNAMES = {
    "anonymous": None,
    "citizen_a": "congdan",
    "citizen_b": "congdanb",
    "officer_x": "motcua",
    "officer_y": "thulycn",
    "leader": "lanhdao",
    "admin_x": "quantri",
    "admin_y": "quantricn",
    "auditor": "thanhtra",
}
ALLOW = "allow"
LOGIN = "login"
READ_METHODS = frozenset({"GET"})
#: catalogue routes name a procedure by `<code>` (admin routes always do), the others a dossier
PROCEDURE_CODE = {"code": "procedure_code"}
#: roles with no business with citizen A's dossier in agency X
OUTSIDE_X = ("citizen_b", "officer_y", "admin_y")
STRANGERS = ("anonymous", *OUTSIDE_X)


@dataclass(frozen=True)
class Entry:
    #: role -> ALLOW, LOGIN or a refusal status
    outcomes: dict[str, str | int]
    #: not requested: why anyone may call it (its own check is a signature or a token)
    public: str = ""
    #: URL parameter -> the world value filling it, where the name alone is ambiguous
    params: dict[str, str] = field(default_factory=dict)
    #: roles whose allowed read must not show citizen A's dossier code (lists filtered by scope)
    hides: tuple[str, ...] = ()
    #: roles to whom an allowed read (a public lookup) must not show A's ID number or phone
    conceals: tuple[str, ...] = ()
    #: query string of a read whose input check would answer before the scope check
    query: dict[str, str] = field(default_factory=dict)
    #: form fields sent with a write, so that input checks pass and the scope check answers
    form: dict[str, str] = field(default_factory=dict)
    #: file fields sent with a write (a small PDF each)
    files: tuple[str, ...] = ()
    #: the JSON body of a write to /api/
    json: dict = field(default_factory=lambda: {"data": {}})


_TOKENS = {"A": ALLOW, "L": LOGIN}


def entry(row: str, **options) -> Entry:
    outcomes = [_TOKENS.get(token) or int(token) for token in row.split()]
    assert len(outcomes) == len(ROLES), row
    return Entry(dict(zip(ROLES, outcomes, strict=True)), **options)


def public(reason: str) -> Entry:
    return Entry(dict.fromkeys(ROLES, ALLOW), public=reason)


# fmt: off
MATRIX: dict[tuple[str, str], Entry] = {
    # accounts: registration, sign-in, password, channels
    ("GET", "accounts.change"): entry("L   A   A   A   A   A   A   A   A"),
    ("GET", "accounts.personal_tokens"): entry("L   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.create_token"): entry("L   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.revoke_token"): entry("L   404 404 404 404 404 404 404 404"),
    ("POST", "accounts.change"): entry("L   A   A   A   A   A   A   A   A"),
    ("GET", "accounts.forgot_password"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.forgot_password"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "accounts.notification_channels"): entry("L   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.notification_channels"): entry("L   A   A   A   A   A   A   A   A"),
    ("GET", "accounts.register"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.register"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.resend"): entry("L   L   L   L   L   L   L   L   L"),
    ("GET", "accounts.reset"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "accounts.reset"): entry("A   A   A   A   A   A   A   A   A"),
    # only a session waiting for its e-mail code; everyone else signs in
    ("GET", "accounts.verify"): entry("L   L   L   L   L   L   L   L   L"),
    ("POST", "accounts.verify"): entry("L   L   L   L   L   L   L   L   L"),
    ("GET", "accounts.vneid_callback"): entry("404 404 404 404 404 404 404 404 404"),
    # VNeID sign-in is off unless its settings are present
    ("GET", "accounts.vneid_start"): entry("404 404 404 404 404 404 404 404 404"),
    # sign-in
    ("GET", "auth.login"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "auth.login"): entry("401 401 401 401 401 401 401 401 401"),
    # public portal and citizens' pages
    ("GET", "portal.applicant_form_print"): entry("A   A   A   A   A   A   A   A   A", params=PROCEDURE_CODE),
    # the dossier has no task for its applicant: 404 for all
    ("GET", "portal.applicant_task"): entry("L   404 404 404 404 404 404 404 404"),
    ("POST", "portal.applicant_task"): entry("L   404 404 404 404 404 404 404 404"),
    # the birth registration's form has no downloadable blank
    ("GET", "portal.blank_form"): entry("404 404 404 404 404 404 404 404 404", params=PROCEDURE_CODE),
    ("POST", "portal.delete_document"): entry("L   A   404 404 404 404 404 404 404"),
    ("POST", "portal.discard_draft"): entry("L   A   404 404 404 404 404 404 404", params={"draft_id": "dossier_draft_id"}),
    ("GET", "portal.document_store"): entry("L   A   A   A   A   A   A   A   A"),
    ("POST", "portal.document_store"): entry("L   A   A   403 403 403 403 403 403", form={"title": "CCCD"}, files=("file",)),
    ("GET", "portal.dossier"): entry("L   A   404 A   404 A   A   404 404"),
    ("GET", "portal.download"): entry("L   A   404 A   404 A   A   404 404"),
    # no fee paid, so no e-receipt yet
    ("GET", "portal.e_receipt"): entry("L   404 404 404 404 404 404 404 404"),
    ("GET", "portal.home"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "portal.lookup"): entry("A   A   A   A   A   A   A   A   A", conceals=STRANGERS, query={"ma": "{code}"}),
    ("POST", "portal.mark_read"): entry("L   A   A   A   A   A   A   A   A"),
    ("GET", "portal.my_dossiers"): entry("L   A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    ("GET", "portal.notifications"): entry("L   A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    # nothing to pay on a free procedure (404 for A too); B is refused first
    ("POST", "portal.pay"): entry("L   404 404 404 404 404 404 404 404", form={"provider": "vnpay"}),
    ("GET", "portal.payment"): entry("L   A   404 A   404 A   A   404 404"),
    ("POST", "portal.post_message"): entry("L   A   404 A   404 A   A   404 404", form={"body": "Xin hỏi tiến độ"}),
    ("GET", "portal.procedure"): entry("A   A   A   A   A   A   A   A   A", params=PROCEDURE_CODE),
    ("POST", "portal.rate"): entry("L   A   404 404 404 404 404 404 404"),
    ("GET", "portal.receipt"): entry("L   A   404 A   404 A   A   404 404"),
    ("GET", "portal.receipt_pdf"): entry("L   A   404 A   404 A   A   404 404"),
    ("GET", "portal.receipt_verification"): entry("404 404 404 404 404 404 404 404 404"),
    ("POST", "portal.sign_form"): entry("L   A   404 404 404 404 404 404 404"),
    ("GET", "portal.signature_verification"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "portal.submit"): entry("L   A   A   403 403 403 403 403 403", params=PROCEDURE_CODE),
    ("POST", "portal.submit"): entry("L   A   A   403 403 403 403 403 403", params=PROCEDURE_CODE),
    ("POST", "portal.verify_signature"): entry("A   A   A   A   A   A   A   A   A"),
    # the one-stop officer withdraws on the applicant's request, as at the counter
    ("POST", "portal.withdraw"): entry("L   A   404 A   404 403 403 404 404"),
    # officers' workspace (workspace.before_request: officers)
    ("GET", "workspace.apology_pdf"): entry("403 403 403 A   404 A   A   404 404"),
    # no pending extension request: only the audience check is proven
    ("POST", "workspace.approve_extension"): entry("403 403 403 404 404 404 404 404 404"),
    ("POST", "workspace.ask_extension"): entry("403 403 403 403 404 403 403 404 404"),
    ("GET", "workspace.assign"): entry("403 403 403 403 404 A   403 404 404"),
    ("POST", "workspace.assign"): entry("403 403 403 403 404 A   403 404 404"),
    ("POST", "workspace.attach_result"): entry("403 403 403 A   404 A   A   404 404", files=("result_file",)),
    ("POST", "workspace.claim"): entry("403 403 403 A   404 404 404 404 404"),
    ("GET", "workspace.control_slip_pdf"): entry("403 403 403 A   404 A   A   404 404"),
    ("GET", "workspace.counter_procedures"): entry("403 403 403 A   403 403 403 403 403"),
    ("GET", "workspace.counter_reception"): entry("403 403 403 A   403 403 403 403 403", params=PROCEDURE_CODE),
    ("POST", "workspace.counter_reception"): entry("403 403 403 A   403 403 403 403 403", params=PROCEDURE_CODE),
    ("GET", "workspace.dossier"): entry("403 403 403 A   404 A   A   404 404"),
    ("GET", "workspace.dossier_file"): entry("403 403 403 A   404 A   A   404 404"),
    ("GET", "workspace.extension_requests"): entry("403 403 403 403 403 A   403 403 403"),
    ("POST", "workspace.forward"): entry("403 403 403 A   404 A   404 404 404"),
    ("GET", "workspace.inbox"): entry("403 403 403 A   A   A   A   A   A", hides=OUTSIDE_X),
    ("POST", "workspace.mark_staff_notices_seen"): entry("403 403 403 A   A   A   A   A   A"),
    ("POST", "workspace.move_step"): entry("403 403 403 403 404 403 A   404 404"),
    ("POST", "workspace.post_message"): entry("403 403 403 A   404 A   A   404 404", form={"body": "Xin bổ sung"}),
    ("GET", "workspace.receipt_pdf"): entry("403 403 403 A   404 A   A   404 404"),
    ("GET", "workspace.refusal_pdf"): entry("403 403 403 A   404 A   A   404 404"),
    ("POST", "workspace.refuse_extension"): entry("403 403 403 404 404 404 404 404 404"),
    ("GET", "workspace.register"): entry("403 403 403 A   A   A   A   A   A", hides=OUTSIDE_X),
    ("GET", "workspace.register_pdf"): entry("403 403 403 A   A   A   A   A   A"),
    ("GET", "workspace.register_xlsx"): entry("403 403 403 A   A   A   A   A   A"),
    ("POST", "workspace.release"): entry("403 403 403 A   404 404 404 404 404"),
    ("POST", "workspace.return_previous"): entry("403 403 403 A   404 404 404 404 404"),
    ("GET", "workspace.staff_notices"): entry("403 403 403 A   A   A   A   A   A"),
    ("GET", "workspace.supplement_request_pdf"): entry("403 403 403 A   404 A   A   404 404"),
    ("POST", "workspace.take_cash_payment"): entry("403 403 403 404 404 403 403 404 404"),
    ("GET", "workspace.task"): entry("403 403 403 A   404 404 404 404 404"),
    ("POST", "workspace.task"): entry("403 403 403 A   404 404 404 404 404"),
    ("POST", "workspace.undo"): entry("403 403 403 A   404 A   A   404 404"),
    ("GET", "workspace.unit"): entry("403 403 403 403 403 A   403 403 403"),
    ("POST", "workspace.withdraw"): entry("403 403 403 A   404 403 403 404 404"),
    # statistics
    ("GET", "statistics.dashboard"): entry("403 403 403 403 403 A   A   A   A"),
    ("GET", "statistics.dossiers"): entry("403 403 403 403 403 A   A   A   A", hides=OUTSIDE_X, query={"chi-so": "received_total"}),
    ("GET", "statistics.public_figures"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "statistics.rated_dossiers"): entry("403 403 403 403 403 A   A   A   A", hides=OUTSIDE_X),
    ("GET", "statistics.report_file"): entry("403 403 403 403 403 A   A   A   A"),
    ("GET", "statistics.satisfaction"): entry("403 403 403 403 403 A   A   A   A"),
    # administration (admin.before_request: administrators; the audit log also auditors)
    ("POST", "admin.add_calendar_override"): entry("403 403 403 403 403 403 403 403 403"),
    ("GET", "admin.agencies"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.api_keys"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.create_api_key"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.revoke_api_key"): entry("403 403 403 403 403 403 404 404 403"),
    ("GET", "admin.audit_log"): entry("403 403 403 403 403 403 A   A   A", hides=OUTSIDE_X),
    ("GET", "admin.audit_log_csv"): entry("403 403 403 403 403 403 A   A   A", hides=OUTSIDE_X),
    # connectors, system and national-portal pages: top-level administrators
    ("GET", "admin.connector_settings"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.create"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.create_agency_"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.create_officer_"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.deactivate_officer"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.discard_draft_view"): entry("403 403 403 403 403 403 A   404 403"),
    ("GET", "admin.draft"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.draft_trial_run"): entry("403 403 403 403 403 403 A   404 403"),
    ("GET", "admin.edit_agency"): entry("403 403 403 403 403 403 A   404 403"),
    # the catalogue is readable by every administrator; saving is scoped
    ("GET", "admin.edit_procedure"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.export"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.grant_role_"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.import_"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.import_units_"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.new_agency"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.new_officer"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.new_procedure"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.notice_template"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.notice_templates"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.officer"): entry("403 403 403 403 403 403 A   404 403"),
    ("GET", "admin.officers"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.portal_catalogue"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.portal_catalogue_accept"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.portal_dossier_fetch_again"): entry("403 403 403 403 403 403 403 403 403"),
    ("GET", "admin.portal_sync"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.portal_sync_retry"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.portal_sync_retry_all"): entry("403 403 403 403 403 403 403 403 403"),
    ("GET", "admin.procedure_units"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.procedures"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.publish"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.publish_draft_view"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.reactivate_officer"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.remove_calendar_override"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.remove_connector_setting"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.reset_notice_template"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.reset_working_hours"): entry("403 403 403 403 403 403 A   403 403"),
    ("POST", "admin.restore"): entry("403 403 403 403 403 403 A   403 403"),
    ("POST", "admin.restore_agency_"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.retire"): entry("403 403 403 403 403 403 A   403 403"),
    ("POST", "admin.retire_agency_"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.revoke_role_"): entry("403 403 403 403 403 403 A   404 403"),
    ("POST", "admin.save_connector_setting"): entry("403 403 403 403 403 403 403 403 403"),
    # wording is deployment-wide: only a top-level administrator saves
    ("POST", "admin.save_notice_template"): entry("403 403 403 403 403 403 403 403 403", form={"action": "save"}),
    ("POST", "admin.save_working_hours"): entry("403 403 403 403 403 403 A   403 403"),
    # Y's administrator may tick Y's own units for a shared procedure
    ("POST", "admin.set_procedure_units"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.system"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.system_retry"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.system_retry_all"): entry("403 403 403 403 403 403 403 403 403"),
    ("POST", "admin.update"): entry("403 403 403 403 403 403 A   403 403"),
    ("POST", "admin.update_agency_"): entry("403 403 403 403 403 403 403 404 403"),
    ("POST", "admin.update_officer_"): entry("403 403 403 403 403 403 A   404 403"),
    ("GET", "admin.version_preview"): entry("403 403 403 403 403 403 A   A   403"),
    ("POST", "admin.version_trial_run"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.versions"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.working_calendar"): entry("403 403 403 403 403 403 A   A   403"),
    ("GET", "admin.working_hours"): entry("403 403 403 403 403 403 A   A   403"),
    # JSON APIs
    ("GET", "api-docs.openapi_json"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "api.complete"): entry("403 404 404 A   404 404 404 404 404"),
    ("POST", "api.create_dossier"): entry("403 A   A   403 403 403 403 403 403", json={"procedure_code": "1.001193", "data": {}}),
    ("GET", "api.csrf_token"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "api.dossier"): entry("403 A   404 A   404 A   A   404 404"),
    ("GET", "api.lookup"): entry("A   A   A   A   A   A   A   A   A", conceals=STRANGERS),
    ("GET", "api.tasks"): entry("403 A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    ("GET", "api_v1_docs"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "api_v1_dossiers.my_dossiers"): entry("401 A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    ("GET", "api_v1_dossiers.show_dossier"): entry("401 A   404 A   404 A   A   404 404"),
    ("GET", "api_v1_lookup.lookup"): entry("A   A   A   A   A   A   A   A   A", conceals=STRANGERS),
    ("GET", "api_v1_procedures.list_procedures"): entry("A   A   A   A   A   A   A   A   A"),
    ("GET", "api_v1_procedures.show_procedure"): entry("A   A   A   A   A   A   A   A   A", params=PROCEDURE_CODE),
    ("GET", "api_v1_tasks.inbox"): entry("401 A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    # the applicant's writes: officers never submit online; the agency's officers read and send
    # messages as in the workspace, and its one-stop officer withdraws at the applicant's request
    ("POST", "api_v1_submission.submit_dossier"): entry("401 A   A   403 403 403 403 403 403", json={"procedure_code": "1.001193", "data": {}}),
    ("GET", "api_v1_applicant.messages"): entry("401 A   404 A   404 A   A   404 404"),
    ("POST", "api_v1_applicant.send_message"): entry("401 A   404 A   404 A   A   404 404", json={"body": "Xin hỏi tiến độ"}),
    # only the applicant has tasks on their dossier; the world's task is the one-stop's
    ("GET", "api_v1_applicant.applicant_tasks"): entry("401 A   404 404 404 404 404 404 404"),
    ("POST", "api_v1_applicant.answer_task"): entry("401 404 404 404 404 404 404 404 404"),
    ("POST", "api_v1_applicant.withdraw"): entry("401 A   404 A   404 403 403 404 404", json={"reason": "Nộp nhầm thủ tục"}),
    ("POST", "api_v1_applicant.rate"): entry("401 A   404 404 404 404 404 404 404", json={"level": 5}),
    # officer actions (api_v1/officer_actions.py): the task's workers, X's leader to assign, X's
    # administrator to move a step; a citizen never undoes nor moves (403 on her own dossier)
    ("GET", "api_v1_officer_dossiers.movable_steps"): entry("401 A   404 A   404 A   A   404 404"),
    ("POST", "api_v1_officer_dossiers.move_step"): entry("401 403 404 403 404 403 A   404 404", json={"bpmn_id": "Task_Reception", "reason": "Kiểm tra lại hồ sơ"}),
    # X's staff may undo their own last step: nothing to undo here (409)
    ("POST", "api_v1_officer_dossiers.undo"): entry("401 403 404 A   404 A   A   404 404"),
    ("POST", "api_v1_task_actions.assign"): entry("401 404 404 403 404 A   403 404 404", json={"officer_id": 1}),
    ("POST", "api_v1_task_actions.claim"): entry("401 404 404 A   404 404 404 404 404"),
    ("POST", "api_v1_task_actions.complete"): entry("401 404 404 A   404 404 404 404 404", json={"data": {}, "version": 1}),
    ("POST", "api_v1_task_actions.forward"): entry("401 404 404 A   404 A   404 404 404", json={"to_user_id": 1}),
    ("POST", "api_v1_task_actions.release"): entry("401 404 404 A   404 404 404 404 404"),
    ("POST", "api_v1_task_actions.return_previous"): entry("401 404 404 A   404 404 404 404 404", json={"reason": "Thiếu giấy tờ"}),
    ("GET", "api_v1_task_actions.show_task"): entry("401 404 404 A   404 404 404 404 404"),
    # the workspace's other officer capabilities (api_v1/counter.py, results.py, extensions.py,
    # staff_notices.py): the counter is X's one-stop officer's; the result files X's staff's,
    # the applicant's once returned (the world's is a draft: 404 for A); extensions are asked
    # by a processing officer (none here) and decided by X's leader (no request: 404)
    ("GET", "api_v1_counter.procedures"): entry("401 403 403 A   403 403 403 403 403"),
    ("POST", "api_v1_counter.receive_dossier"): entry("401 403 403 A   403 403 403 403 403", json={"procedure_code": "1.001193", "data": {}}),
    # a free procedure: nothing to take (404 for X's one-stop officer too)
    ("POST", "api_v1_counter.take_cash_payment"): entry("401 403 404 404 404 403 403 404 404"),
    ("GET", "api_v1_results.results"): entry("401 A   404 A   404 A   A   404 404"),
    ("POST", "api_v1_results.attach_result"): entry("401 404 404 A   404 A   A   404 404", json={"title": "Giấy khai sinh"}),
    ("GET", "api_v1_results.download_result"): entry("401 404 404 A   404 A   A   404 404", params={"document_id": "result_document_id"}),
    ("GET", "api_v1_dossier_extensions.dossier_extension_requests"): entry("401 404 404 A   404 A   A   404 404"),
    ("POST", "api_v1_dossier_extensions.ask_extension"): entry("401 403 404 403 404 403 403 404 404", json={"reason": "Cần xác minh thêm", "working_days": 2}),
    ("GET", "api_v1_extension_requests.requests_for_decision"): entry("401 403 403 403 403 A   403 403 403"),
    ("POST", "api_v1_extension_requests.approve"): entry("401 404 404 404 404 404 404 404 404"),
    ("POST", "api_v1_extension_requests.refuse"): entry("401 404 404 404 404 404 404 404 404", json={"refusal_reason": "Không đủ căn cứ"}),
    ("GET", "api_v1_staff_notices.staff_notices"): entry("401 A   A   A   A   A   A   A   A"),
    ("POST", "api_v1_staff_notices.mark_read"): entry("401 A   A   A   A   A   A   A   A"),
    # API v1 reports: the statistics scope (leaders, administrators, auditors)
    ("GET", "api_v1_reports.summary"): entry("401 403 403 403 403 A   A   A   A"),
    # API v1 administration: administrators only, each within their subtree (Y's gets 404 on X's)
    ("GET", "api_v1_admin_agencies.list_agencies"): entry("401 403 403 403 403 403 A   A   403"),
    ("GET", "api_v1_admin_agencies.show_agency"): entry("401 403 403 403 403 403 A   404 403"),
    # a top-level unit: only a top-level administrator declares one
    ("POST", "api_v1_admin_agencies.add_agency"): entry("401 403 403 403 403 403 403 403 403", json={"code": "000.00.99.H25", "name": "Tổ một cửa", "level": "department", "parent_id": None}),
    ("PATCH", "api_v1_admin_agencies.change_agency"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("POST", "api_v1_admin_agencies.retire"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("POST", "api_v1_admin_agencies.restore"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("GET", "api_v1_admin_officers.list_officers"): entry("401 403 403 403 403 403 A   A   403"),
    ("GET", "api_v1_admin_officers.show_officer"): entry("401 403 403 403 403 403 A   404 403"),
    ("POST", "api_v1_admin_officers.add_officer"): entry("401 403 403 403 403 403 A   A   403", json={"username": "motcua9", "full_name": "Cán bộ mới", "password": "Tiep-nhan-2026-ho-so!", "role": "reception", "agency_id": 1}),
    ("PATCH", "api_v1_admin_officers.change_officer"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("POST", "api_v1_admin_officers.add_role"): entry("401 403 403 403 403 403 A   404 403", json={"role": "processing", "agency_id": 1}),
    ("DELETE", "api_v1_admin_officers.remove_role"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("POST", "api_v1_admin_officers.deactivate"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("POST", "api_v1_admin_officers.reactivate"): entry("401 403 403 403 403 403 A   404 403", json={}),
    # every administrator reads the catalogue; drafts are their agency's
    ("GET", "api_v1_admin_procedures.list_procedures"): entry("401 403 403 403 403 403 A   A   403"),
    ("GET", "api_v1_admin_procedures.show_procedure"): entry("401 403 403 403 403 403 A   A   403", params=PROCEDURE_CODE),
    ("GET", "api_v1_admin_procedures.drafts"): entry("401 403 403 403 403 403 A   A   403"),
    ("GET", "api_v1_admin_procedures.show_draft"): entry("401 403 403 403 403 403 A   404 403"),
    ("POST", "api_v1_admin_procedures.upload_package"): entry("401 403 403 403 403 403 A   A   403"),
    ("POST", "api_v1_admin_procedures.publish"): entry("401 403 403 403 403 403 A   404 403", json={}),
    ("DELETE", "api_v1_admin_procedures.discard"): entry("401 403 403 403 403 403 A   404 403", json={}),
    # the citizen portal's other capabilities (api_v1 dossier_files, payments, documents,
    # notifications, postal): the dossier's readers as GET /dossiers/<code>
    ("GET", "api_v1_dossier_files.history"): entry("401 A   404 A   404 A   A   404 404"),
    ("GET", "api_v1_dossier_files.receipt"): entry("401 A   404 A   404 A   A   404 404"),
    # only the applicant asks to sign her form (the birth registration does not ask: 422)
    ("POST", "api_v1_dossier_files.sign_form"): entry("401 A   404 404 404 404 404 404 404"),
    # the id is A's personal document, no result file of the dossier: 404 for all
    # no fee paid, so no e-receipt yet
    ("GET", "api_v1_dossier_files.e_receipt"): entry("401 404 404 404 404 404 404 404 404"),
    ("GET", "api_v1_payments.payment"): entry("401 A   404 A   404 A   A   404 404"),
    # nothing to pay on a free procedure (404 for A too); only the applicant ever pays
    ("POST", "api_v1_payments.start_payment"): entry("401 404 404 404 404 404 404 404 404", json={"provider": "vnpay"}),
    # each caller's own store (officers' is empty; only citizens and organisations add)
    ("GET", "api_v1_documents.documents"): entry("401 A   A   A   A   A   A   A   A"),
    ("POST", "api_v1_documents.add_document"): entry("401 A   A   403 403 403 403 403 403", json={"title": "CCCD"}),
    ("GET", "api_v1_documents.show_document"): entry("401 A   404 404 404 404 404 404 404"),
    ("GET", "api_v1_documents.document_file"): entry("401 A   404 404 404 404 404 404 404"),
    ("DELETE", "api_v1_documents.delete_document"): entry("401 A   404 404 404 404 404 404 404"),
    ("GET", "api_v1_notifications.notifications"): entry("401 A   A   A   A   A   A   A   A", hides=OUTSIDE_X),
    ("POST", "api_v1_notifications.mark_read"): entry("401 A   A   A   A   A   A   A   A"),
    # no direction chosen: the quote is empty, nothing is asked of the post office
    ("GET", "api_v1_postage.postage"): entry("401 A   A   A   A   A   A   A   A", query={"procedure_code": "{procedure_code}", "address": "Số 5 đường Yersin, Phú Cường", "phone": "0912345678"}),
    # public, by the code printed on the paper; the world holds no receipt
    ("GET", "api_v1_receipts.check_receipt"): entry("404 404 404 404 404 404 404 404 404"),
    # not requested, or requested without a session of any use
    ("GET", "static"): public("the app's stylesheets, scripts and images"),
    ("POST", "auth.logout"): entry("A   A   A   A   A   A   A   A   A"),
    ("POST", "callbacks.remote_signature_answered"): public("provider callback, HMAC-signed"),
    ("POST", "callbacks.document_issued"): public("document-management callback, signed"),
    ("GET", "callbacks.document_file"): entry("404 404 404 404 404 404 404 404 404"),
    ("GET", "callbacks.payment_notification"): public("payment IPN, signed by the provider"),
    ("POST", "callbacks.payment_notification"): public("payment IPN, signed by the provider"),
    ("GET", "callbacks.payment_return"): public("payment return page, signed parameters"),
    ("POST", "callbacks.postal_status"): public("VNPost status callback, signed"),
    ("POST", "callbacks.zalo_webhook"): public("Zalo webhook, signed by Zalo"),
}
# fmt: on
