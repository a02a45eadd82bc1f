"""The registered connector operations, by name.

Ours register themselves when their package is imported. A province's own connectors live in
their own package and declare an entry point in the group `motcua.connectors`: loading it (a
module, or a callable taking no arguments) registers its operations, so nothing of ours changes.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from connectors.contract import Operation

ENTRY_POINT_GROUP = "motcua.connectors"
BUILTIN = (
    "connectors.email",
    "connectors.notify",
    "connectors.payment.collect",
    "connectors.einvoice",
    "connectors.zalo",
    "connectors.sms",
    "connectors.signing",
    "connectors.remote_signing",
    "connectors.national_portal",
    "connectors.document_management",
    "connectors.vnpost",
)

log = logging.getLogger(__name__)
_operations: dict[str, Operation] = {}
_loaded = False


def register(operation: Operation) -> Operation:
    _operations[operation.name] = operation
    return operation


def unregister(name: str) -> None:
    _operations.pop(name, None)


def find_operation(name: str) -> Operation | None:
    _load()
    return _operations.get(name)


def operation_names() -> set[str]:
    _load()
    return set(_operations)


def list_operations() -> list[Operation]:
    """Every registered operation, by name."""
    _load()
    return [_operations[name] for name in sorted(_operations)]


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for module in BUILTIN:
        importlib.import_module(module)
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry_point.load()
        except Exception:
            # one broken third-party package must not take every connector down with it
            log.exception("connector entry point %s could not be loaded", entry_point.name)
            continue
        if callable(loaded) and not isinstance(loaded, type(importlib)):
            loaded()
