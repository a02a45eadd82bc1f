"""A province's own connector package, as an entry point would load it."""

from connectors.contract import Operation
from connectors.registry import register


def register_operations() -> None:
    register(
        Operation(
            "tinh/tra-cuu-dat-dai",
            "Tra cứu đất đai của tỉnh",
            waits_for_result=True,
            perform=lambda payload, key, settings: {"thua_dat": payload["so_thua"]},
            parameters=("so_thua",),
        )
    )
