"""Soak on PostgreSQL: dossier lifecycles over HTTP while processes are killed (issue #12).

Creates its own database (on postgresql://postgres@127.0.0.1:5432, or, with --pg-restart, on a
private cluster it initdb's in a temporary folder), loads the demo data, starts gunicorn
(--web-workers, default 2), the motcua worker(s), the SMTP server and the SMS, Zalo and
national-portal sandboxes as subprocesses, and drives --lifecycles birth registrations (submit,
reception, processing, approval, return) with --clients threads through the JSON API. Meanwhile
a chaos thread SIGKILLs the web node, a gunicorn worker or a motcua worker every --kill-interval
seconds and starts them again; --outage stops the SMTP server and the SMS gateway that long at a
quarter of the run; --pg-restart stops PostgreSQL abruptly at half of the run and starts it
again.

Then, once the outbox is drained (or --drain-timeout passed), it checks that every dossier
exists once and its workflow state, read model, tasks and history agree, and that every
e-mail, SMS, Zalo message and portal record arrived exactly once (bench/soaking/consistency.py).
Prints the figures; exits 1 when a check fails.

    .venv/bin/python bench/soak.py --lifecycles 1000 --clients 4 --kill-interval 10
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.soaking import chaos, consistency, database  # noqa: E402
from bench.soaking.clients import Client, Figures  # noqa: E402
from bench.soaking.processes import System  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-interval", type=float, default=10.0, help="0: no kills")
    parser.add_argument(
        "--min-kills", type=int, default=0, help="go on killing after the clients until this many"
    )
    parser.add_argument("--outage", type=float, default=0.0, help="seconds the providers are down")
    parser.add_argument("--pg-restart", action="store_true", help="on a private cluster only")
    parser.add_argument("--workers", type=int, default=1, help="motcua worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-interval", type=float, default=2.0)
    parser.add_argument(
        "--lease",
        type=float,
        default=30.0,
        help="outbox lease seconds (MOTCUA_OUTBOX_LEASE_SECONDS)",
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=None,
        help="seconds to wait for the outbox; default 300 + 2 × outage (retries back off)",
    )
    parser.add_argument("--lifecycle-timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--server", default=database.SHARED_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--keep", action="store_true", help="keep the database and run folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # stopped by `timeout` or CI: still stop the processes and drop the database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.drain_timeout is None:
        args.drain_timeout = 300 + 2 * args.outage
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    run_dir = Path(tempfile.mkdtemp(prefix="motcua-soak-"))
    cluster = None
    server = args.server
    if args.pg_restart:
        cluster = database.PrivateCluster().init()
        server = cluster.url
    name = f"motcua_soak_{os.getpid()}"
    url = database.create_database(server, name)
    print(f"soak: seed {seed}, database {url}, run folder {run_dir}", flush=True)
    os.environ["MOTCUA_OUTBOX_LEASE_SECONDS"] = str(args.lease)
    database.prepare(url, args.clients)
    system = System(
        run_dir,
        url,
        workers=args.workers,
        worker_interval=args.worker_interval,
        web_workers=args.web_workers,
    )
    try:
        system.start()
        return drive_and_check(args, rng, system, cluster, url)
    finally:
        system.stop()
        if not args.keep:
            database.drop_database(server, name)
            if cluster is not None:
                cluster.destroy()
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print(f"kept: database {url}, run folder {run_dir}")


def drive_and_check(args, rng, system: System, cluster, url: str) -> int:
    figures = Figures()
    remaining = [args.lifecycles]
    lock = threading.Lock()

    def ticket() -> bool:
        with lock:
            if remaining[0] <= 0:
                return False
            remaining[0] -= 1
            return True

    def progress() -> float:
        return (figures.done + len(figures.failed)) / max(args.lifecycles, 1)

    faults = chaos.Chaos(system, args.kill_interval, rng)
    events: list[str] = []
    threads = []
    if args.outage > 0:
        down = [system.receivers["smtp"], system.receivers["sms"]]
        outage = chaos.at_progress(
            progress,
            0.25,
            lambda: chaos.stop_for(faults, down, args.outage),
            events,
            f"SMTP and SMS down for {args.outage:.0f} s",
        )
        threads.append(outage)
    if cluster is not None:
        restart = chaos.at_progress(
            progress, 0.5, lambda: cluster.restart(3.0), events, "PostgreSQL restart"
        )
        threads.append(restart)
    clients = [
        Client(i, system.base_url, ticket, figures, args.lifecycle_timeout)
        for i in range(args.clients)
    ]
    started = time.monotonic()
    faults.start()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    driven = time.monotonic() - started
    for thread in threads:
        thread.join()
    # a fast machine may finish before the kills asked for: the drain is killed then
    while args.kill_interval > 0 and sum(faults.kills.values()) < args.min_kills:
        time.sleep(0.2)
    faults.stop()
    drain_started = time.monotonic()
    backlog = consistency.outbox_backlog(url)
    while (backlog is None or backlog) and time.monotonic() - drain_started < args.drain_timeout:
        time.sleep(1)
        backlog = consistency.outbox_backlog(url)
    drained = time.monotonic() - drain_started
    findings = consistency.check(url, figures.submitted, system.maildir, system.journals)
    report(args, figures, faults, events, findings, driven, drained)
    ok = findings.ok and figures.done == args.lifecycles and not faults.unexpected
    print("soak: OK" if ok else "soak: FAILED", flush=True)
    return 0 if ok else 1


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else 0.0


def report(args, figures: Figures, faults, events, findings, driven: float, drained: float) -> None:
    everything = [x for values in figures.latencies.values() for x in values]
    print(f"lifecycles done:       {figures.done} / {args.lifecycles} in {driven:.1f} s")
    print(f"lifecycles/s:          {figures.done / driven:.2f}")
    print(
        f"requests p50 / p95:    {_percentile(everything, 0.5):.1f} / "
        f"{_percentile(everything, 0.95):.1f} ms over {len(everything)} requests"
    )
    for kind, values in sorted(figures.latencies.items()):
        print(
            f"  {kind:14} p50 {_percentile(values, 0.5):7.1f} ms  p95 "
            f"{_percentile(values, 0.95):7.1f} ms  n={len(values)}"
        )
    kills = ", ".join(f"{k} {v}" for k, v in sorted(faults.kills.items())) or "none"
    print(f"kills done:            {sum(faults.kills.values())} ({kills})")
    for event in events:
        print(f"fault:                 {event}")
    print(
        f"retries:               {figures.retries} (submissions repeated {figures.resubmissions}, "
        f"found already made {figures.adopted})"
    )
    print(f"outbox drained in:     {drained:.1f} s")
    counts = ", ".join(f"{k} {v}" for k, v in sorted(findings.receiver_counts.items()))
    print(f"receivers got:         {counts}")
    again = ", ".join(f"{k} {v}" for k, v in sorted(findings.redelivered.items()) if v) or "none"
    print(f"redelivered (same key, at least once): {again}")
    print(f"dossiers checked:      {findings.checked}")
    print(f"lost:                  {len(findings.lost)}")
    print(f"inconsistencies:       {len(findings.inconsistencies)}")
    print(f"duplicates:            {len(findings.duplicates)}")
    print(f"stuck outbox rows:     {sum(findings.stuck.values())} {dict(findings.stuck) or ''}")
    for line in [*findings.lost, *findings.inconsistencies, *findings.duplicates][:30]:
        print(f"  ! {line}")
    for line in [*figures.failed[:10], *faults.unexpected[:10]]:
        print(f"  ! {line}")


if __name__ == "__main__":
    sys.exit(main())
