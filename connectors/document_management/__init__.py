"""The agency's document-management system (hệ thống quản lý văn bản, QLVB) behind one REST
contract (client.py), with a local sandbox (sandbox.py); registered as `qlvb/issue-document`.

A diagram places the operation as a service task where the procedure needs a numbered, signed
result (after the leader's approval): the task waits until the system calls back with the number,
the date and the signed file (engine/document_issues).
"""

from __future__ import annotations

from connectors.contract import CALLBACK, Operation
from connectors.document_management.client import OPERATION, SETTINGS_PROVIDER, submit_documents
from connectors.registry import register

register(
    Operation(
        name=OPERATION,
        label="Gửi văn bản kết quả sang hệ thống quản lý văn bản để cấp số, ký ban hành",
        waits_for_result=True,
        perform=submit_documents,
        settings_provider=SETTINGS_PROVIDER,
        parameters=("title",),
        completion=CALLBACK,
    )
)
