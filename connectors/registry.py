"""The registered connector operations, by name."""

from __future__ import annotations

from connectors.contract import Operation

_operations: dict[str, Operation] = {}


def register(operation: Operation) -> Operation:
    _operations[operation.name] = operation
    return operation


def unregister(name: str) -> None:
    _operations.pop(name, None)


def find_operation(name: str) -> Operation | None:
    _load_builtin()
    return _operations.get(name)


def operation_names() -> set[str]:
    _load_builtin()
    return set(_operations)


def _load_builtin() -> None:
    import connectors.email
    import connectors.notify
    import connectors.sms
    import connectors.zalo  # noqa: F401  (register themselves)


def list_operations() -> list[Operation]:
    """Every registered operation, by name."""
    _load_builtin()
    return [_operations[name] for name in sorted(_operations)]
