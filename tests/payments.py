"""Paying a dossier's fee over HTTP as the applicant's browser does, and what the database then
says of the dossier: shared by the tests of every payment provider."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from engine.dossiers.models import Dossier, DossierEvent
from engine.outbox.models import OutboxMessage
from engine.receipts.models import EReceipt
from engine.tasks.models import OPEN, Task

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
#: provider -> (the title of its sandbox's pay page, the path its buttons post to)
PAGES = {
    "vnpay": ("Cổng thanh toán VNPay", "/paymentv2/xac-nhan"),
    "national_payment": (
        "Nền tảng thanh toán — Cổng Dịch vụ công quốc gia",
        "/thanh-toan/xac-nhan",
    ),
    "momo": ("Cổng thanh toán MoMo", "/v2/gateway/pay/xac-nhan"),
}


class Applicant:
    """The applicant's browser: cookies, CSRF tokens, redirects followed, over HTTP."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()

    def sign_in(self, username: str = "congdan") -> None:
        token = CSRF.search(self.http.get(f"{self.base}/dang-nhap").text).group(1)
        self.http.post(
            f"{self.base}/dang-nhap",
            data={"username": username, "password": "motcua2026", "csrf_token": token},
        )

    def payment_page(self, code: str) -> str:
        return self.http.get(f"{self.base}/ho-so/{code}/thanh-toan").text

    def choose(self, code: str, provider: str) -> requests.Response:
        """Pick the provider's radio button and press "Thanh toán"."""
        page = self.payment_page(code)
        assert f'name="provider" value="{provider}"' in page
        token = CSRF.search(page).group(1)
        return self.http.post(
            f"{self.base}/ho-so/{code}/thanh-toan",
            data={"provider": provider, "csrf_token": token},
        )

    def pay(
        self, code: str, provider: str = "vnpay", action: str = "pay", *, follow_return: bool = True
    ):
        """Choose the provider, then press its sandbox's button; returns the page we land on."""
        title, confirm_path = PAGES[provider]
        pay_page = self.choose(code, provider)
        assert pay_page.status_code == 200 and title in pay_page.text, pay_page.text
        confirm = urlsplit(pay_page.url)._replace(path=confirm_path, query="")
        return self.http.post(
            confirm.geturl(),
            data={"nonce": NONCE.search(pay_page.text).group(1), "action": action},
            allow_redirects=follow_return,
        )


def facts(session_factory, code: str) -> dict:
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        events = session.scalars(
            select(DossierEvent.action).where(DossierEvent.dossier_id == dossier.id)
        ).all()
        notices = session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.dossier_id == dossier.id,
                OutboxMessage.operation == "notify/applicant",
            )
        ).all()
        tasks = session.scalars(
            select(Task.title).where(Task.dossier_id == dossier.id, Task.state == OPEN)
        ).all()
        receipts = session.scalars(
            select(EReceipt.provider).where(EReceipt.dossier_id == dossier.id)
        ).all()
    return {
        "events": list(events),
        "paid_notices": [n for n in notices if n.get("template") == "payment_received"],
        "tasks": list(tasks),
        "receipts": list(receipts),
    }
