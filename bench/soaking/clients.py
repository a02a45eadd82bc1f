"""Client threads that drive dossier lifecycles over HTTP, as integrators would: the citizen
submits through the JSON API, the officers complete reception, processing, approval and return.

A request whose outcome is unknown (the connection broke, it timed out, or the server answered
5xx) is never simply repeated. A submission is repeated only after the citizen's own dossier
list (`GET /api/v1/dossiers`) shows that it did not happen; a task is completed again only after
the dossier's status (`GET /api/v1/dossiers/<code>`) says it is still at that step, and a task
completed twice answers 409, so a dossier moves one step per decision whatever happens.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.soaking.database import CITIZEN_PASSWORD, citizen_username

PROCEDURE = "1.001193"
#: the birth-registration answers the step benchmark uses
APPLICATION = json.loads((Path(__file__).resolve().parents[1] / "application.json").read_text())
#: status the dossier is in -> who acts and what they answer (bench/step_throughput.py's path)
STEPS = {
    "submitted": ("motcua", {"decision": "accept"}),
    "processing": ("thuly", {"verification_note": "Hồ sơ hợp lệ.", "proposal": "propose_approve"}),
    "awaiting_approval": ("lanhdao", {"approval_decision": "approve"}),
    "result_ready": ("motcua", {"return_channel": "counter", "returned_to": "Nguyễn Văn An"}),
}
FINAL = "returned"
OFFICER_PASSWORD = "motcua2026"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT = (5, 60)


class OutcomeUnknown(Exception):
    """The request may or may not have taken effect."""


class LifecycleFailed(Exception):
    """The lifecycle could not be taken to its end within its time."""


@dataclass
class Figures:
    """What every client measured, shared between threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    retries: int = 0
    resubmissions: int = 0
    adopted: int = 0
    done: int = 0
    failed: list[str] = field(default_factory=list)
    #: citizen username -> the codes of the dossiers that citizen knows it submitted
    submitted: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def count(self, name: str, by: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + by)


class Account:
    """One signed-in browser-like session (cookie + CSRF token) of one user."""

    def __init__(self, base_url: str, username: str, password: str, figures: Figures):
        self.base_url, self.username, self.password = base_url, username, password
        self.figures = figures
        self.http = requests.Session()
        self.csrf: str | None = None

    def request(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        """One attempt; OutcomeUnknown when it may or may not have happened."""
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base_url + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            raise OutcomeUnknown(f"{method} {path}: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise OutcomeUnknown(f"{method} {path}: HTTP {response.status_code}")
        self.figures.timed(kind, time.perf_counter() - started)
        return response

    def sign_in(self, deadline: float) -> None:
        """Sign in through the login form (retried: signing in twice is harmless)."""
        attempt = 0
        while True:
            try:
                self.http.cookies.clear()
                page = self.request("sign-in", "GET", "/dang-nhap")
                token = CSRF_FIELD.search(page.text).group(1)
                answer = self.request(
                    "sign-in",
                    "POST",
                    "/dang-nhap",
                    data={
                        "username": self.username,
                        "password": self.password,
                        "csrf_token": token,
                    },
                )
                if answer.status_code != 302:
                    raise LifecycleFailed(f"{self.username} cannot sign in: {answer.status_code}")
                self.csrf = self.request("csrf", "GET", "/api/csrf").json()["csrf_token"]
                return
            except OutcomeUnknown:
                attempt = backoff(self.figures, attempt, deadline)

    def get_json(self, kind: str, path: str, deadline: float, **kwargs) -> dict | list:
        """A read, retried until it answers (a lost session is signed in again)."""
        attempt = 0
        while True:
            try:
                response = self.request(kind, "GET", path, **kwargs)
            except OutcomeUnknown:
                attempt = backoff(self.figures, attempt, deadline)
                continue
            if response.status_code in (401, 403):
                self.sign_in(deadline)
                continue
            if response.status_code != 200:
                raise LifecycleFailed(f"GET {path}: {response.status_code} {response.text[:200]}")
            return response.json()

    def post_json(self, kind: str, path: str, body: dict, deadline: float) -> requests.Response:
        """One POST with the CSRF token (a refused token or session is renewed first)."""
        if self.csrf is None:
            self.sign_in(deadline)
        response = self.request(kind, "POST", path, json=body, headers={"X-CSRFToken": self.csrf})
        if _session_lost(response):
            self.sign_in(deadline)
            response = self.request(
                kind, "POST", path, json=body, headers={"X-CSRFToken": self.csrf}
            )
        return response


def _session_lost(response: requests.Response) -> bool:
    """A 401 (no session), a 403 (our users may do everything they ask) or a refused CSRF
    token: sign in again."""
    if response.status_code in (401, 403):
        return True
    if response.status_code != 400:
        return False
    try:
        error = response.json().get("error")
    except ValueError:
        return False
    text = error if isinstance(error, str) else str((error or {}).get("message"))
    return "CSRF" in text or "Phiên làm việc" in text


def backoff(figures: Figures, attempt: int, deadline: float) -> int:
    """Wait before the next attempt (exponential, jittered, capped at 5 s); count the retry."""
    if time.monotonic() > deadline:
        raise LifecycleFailed("gave up retrying")
    figures.count("retries")
    time.sleep(min(5.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.0))
    return attempt + 1


class Client(threading.Thread):
    """One citizen and the officers who handle their dossiers, lifecycle after lifecycle."""

    def __init__(self, index: int, base_url: str, tickets, figures: Figures, lifecycle_seconds):
        super().__init__(name=f"client{index + 1}", daemon=True)
        self.figures = figures
        self.tickets = tickets
        self.lifecycle_seconds = lifecycle_seconds
        self.citizen = Account(base_url, citizen_username(index), CITIZEN_PASSWORD, figures)
        self.officers = {
            name: Account(base_url, name, OFFICER_PASSWORD, figures)
            for name in {officer for officer, _ in STEPS.values()}
        }
        self.codes: list[str] = []
        figures.submitted[self.citizen.username] = self.codes

    def run(self) -> None:
        while self.tickets():
            try:
                self.lifecycle(time.monotonic() + self.lifecycle_seconds)
                self.figures.count("done")
            except LifecycleFailed as failure:
                with self.figures.lock:
                    self.figures.failed.append(f"{self.name}: {failure}")

    def lifecycle(self, deadline: float) -> None:
        code = self.submit(deadline)
        while True:
            status = self.status(code, deadline)
            if status == FINAL:
                return
            if status not in STEPS:
                raise LifecycleFailed(f"{code}: unexpected status {status!r}")
            self.complete_step(code, status, deadline)

    def my_codes(self, deadline: float) -> list[str]:
        codes, cursor = [], None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = self.citizen.get_json(
                "my-dossiers", "/api/v1/dossiers/", deadline, params=params
            )
            codes += [item["code"] for item in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                return codes

    def submit(self, deadline: float) -> str:
        attempt = 0
        body = {"procedure_code": PROCEDURE, "data": dict(APPLICATION)}
        while True:
            try:
                response = self.citizen.post_json("submit", "/api/dossiers", body, deadline)
            except OutcomeUnknown:
                attempt = backoff(self.figures, attempt, deadline)
                # did it happen? the citizen's own list says; only then submit again
                new = [code for code in self.my_codes(deadline) if code not in self.codes]
                if new:
                    self.figures.count("adopted")
                    self.codes.extend(new)
                    return new[0]
                self.figures.count("resubmissions")
                continue
            if response.status_code != 201:
                raise LifecycleFailed(f"submit: {response.status_code} {response.text[:300]}")
            code = response.json()["code"]
            self.codes.append(code)
            return code

    def status(self, code: str, deadline: float) -> str:
        return self.citizen.get_json("dossier", f"/api/v1/dossiers/{code}", deadline)["status"]

    def find_task(self, officer: Account, code: str, deadline: float) -> dict | None:
        cursor = None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = officer.get_json("inbox", "/api/v1/tasks/", deadline, params=params)
            for task in page["items"]:
                if task["dossier_code"] == code:
                    return task
            cursor = page.get("next_cursor")
            if not cursor:
                return None

    def complete_step(self, code: str, status: str, deadline: float) -> None:
        """Complete the open task of this status; any doubt is settled by reading the status."""
        name, data = STEPS[status]
        officer = self.officers[name]
        task = self.find_task(officer, code, deadline)
        if task is None:
            if time.monotonic() > deadline:
                raise LifecycleFailed(f"{code}: no open task in {name}'s inbox at {status}")
            time.sleep(0.2)
            return
        body = {"data": data, "version": task["version"]}
        try:
            response = officer.post_json(
                "complete", f"/api/tasks/{task['id']}/complete", body, deadline
            )
        except OutcomeUnknown:
            backoff(self.figures, 0, deadline)
            return
        if response.status_code not in (200, 409):
            raise LifecycleFailed(
                f"{code}: complete {status}: {response.status_code} {response.text[:300]}"
            )
