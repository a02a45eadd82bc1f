"""A provider sandbox run as its own process for the soak, keeping a journal of what it received.

    python -m bench.soaking.receivers sms --port 5107 --journal run/sms.jsonl

The sandbox is the one `make run` starts (connectors/<provider>/sandbox.py); this wrapper
appends every message it accepted to the journal (one JSON line each, written before the answer
leaves), writes the settings that point motcua at it beside the journal (`<journal>.env.json`),
and, when restarted after an outage, reloads the journal: a real provider keeps its records
across a restart, so the SMS gateway still recognises a retried `request_id`, and the portal
still knows the dossiers it was sent.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

from connectors.national_portal.client import ACCEPTED, SYNC_DOSSIER
from connectors.national_portal.sandbox import NationalPortalSandbox
from connectors.sandbox_server import SandboxServer
from connectors.sms.sandbox import SmsSandbox
from connectors.zalo.sandbox import ZaloSandbox

KINDS = ("sms", "zalo", "portal")


def read_journal(path: Path) -> list[dict]:
    """Every record a receiver kept, in order (a line cut short by a kill is skipped)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def _received(sandbox: SandboxServer, kind: str) -> list[dict]:
    """The sandbox's own list of what reached it, which the journal mirrors."""
    if kind == "portal":
        return sandbox.calls()
    return sandbox.messages


def _restore(sandbox: SandboxServer, kind: str, records: list[dict]) -> None:
    if kind == "sms":
        for record in records:
            sandbox.messages.append(record)
            sandbox._sent[str(record.get("request_id", ""))] = record["message_id"]
    elif kind == "zalo":
        sandbox.messages.extend(records)
    else:
        state = sandbox._state
        for call in records:
            state["calls"].append(call)
            if call.get("answer") != ACCEPTED:
                continue
            for row in call.get("data") or []:
                if call["service"] == SYNC_DOSSIER:
                    state["dossiers"][row["MaHoSo"]] = row
                elif row not in state["progress"]:
                    state["progress"].append(row)


def serve(kind: str, port: int, journal: Path) -> None:
    sandbox: SandboxServer = {
        "sms": lambda: SmsSandbox(port=port),
        "zalo": lambda: ZaloSandbox(port=port),
        "portal": lambda: NationalPortalSandbox(port=port),
    }[kind]()
    _restore(sandbox, kind, read_journal(journal))
    written = len(_received(sandbox, kind))
    lock = threading.Lock()
    out = journal.open("a", encoding="utf-8")

    @sandbox.app.after_request
    def keep(response):
        nonlocal written
        with lock:
            received = _received(sandbox, kind)
            # a portal call is listed before its answer is known: keep it once it is
            while written < len(received) and (kind != "portal" or "answer" in received[written]):
                out.write(json.dumps(received[written], ensure_ascii=False) + "\n")
                written += 1
            out.flush()
        return response

    environment = journal.with_name(journal.name + ".env.json")
    environment.write_text(json.dumps(sandbox.environment), encoding="utf-8")
    print(f"{kind} sandbox on {sandbox.base_url}, journal {journal}", flush=True)
    sandbox.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--journal", type=Path, required=True)
    args = parser.parse_args()
    serve(args.kind, args.port, args.journal)


if __name__ == "__main__":
    main()
