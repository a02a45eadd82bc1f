"""VNPost's public-administration postal service (Quyết định 45/2016/QĐ-TTg): fetching a
citizen's dossier to the agency and delivering the result to them. `client.py` speaks the REST
contract, `sandbox.py` is the local post office; the engine's side is engine/postal/."""

from connectors.contract import Operation
from connectors.registry import register
from connectors.vnpost.client import SETTINGS_PROVIDER, cancel_order, create_order

register(
    Operation(
        name="vnpost/create-order",
        label="Tạo yêu cầu thu gom hồ sơ hoặc chuyển phát kết quả qua VNPost",
        waits_for_result=False,
        perform=create_order,
        settings_provider=SETTINGS_PROVIDER,
        parameters=(),
    )
)
register(
    Operation(
        name="vnpost/cancel-order",
        label="Hủy yêu cầu thu gom hoặc chuyển phát qua VNPost",
        waits_for_result=False,
        perform=cancel_order,
        settings_provider=SETTINGS_PROVIDER,
        parameters=(),
    )
)
