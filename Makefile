# motcua: `make run` starts the whole system with SQLite and demo data; `make test` runs the suite.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
# `make run` also starts the local SMTP server (mail kept in var/mail) and the national identity
# provider sandbox (http://127.0.0.1:5001) and the payment and messaging providers' sandboxes
# (VNPay 5002, national payment platform 5003, MoMo 5004, e-invoice 5005, Zalo 5006, SMS 5007)
# and the national public-service portal's adapter (5008, with dossier and catalogue sync on)
# and the demo certificate authority's CRL, OCSP and timestamp server (5010, keys in var/signing)
# and the remote-signing provider whose page / is the signer's phone (5012)
# and the document-management system's sandbox (5011) and the post office (VNPost, 5009);
# `make run SANDBOX=` starts none of them.
SANDBOX ?= 1
SANDBOX_ENV = MOTCUA_SMTP_HOST=127.0.0.1 MOTCUA_SMTP_PORT=8025 \
	MOTCUA_OIDC_ISSUER=http://127.0.0.1:5001 MOTCUA_OIDC_CLIENT_ID=motcua \
	MOTCUA_OIDC_CLIENT_SECRET=motcua-sandbox-secret MOTCUA_NATIONAL_PORTAL_SYNC=1

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

run: install
	mkdir -p var/mail
	$(BIN)/motcua init
	@echo "Mở http://127.0.0.1:5000 — Ctrl+C để dừng (web + worker)."
	@trap 'kill 0' INT TERM EXIT; \
	if [ -n "$(SANDBOX)" ]; then \
	  $(BIN)/python -m connectors.email.sandbox --port 8025 --maildir var/mail & \
	  $(BIN)/python -m connectors.vneid.sandbox --port 5001 & \
	  $(BIN)/python -m connectors.vnpay.sandbox --port 5002 \
	    --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/vnpay/ipn & \
	  $(BIN)/python -m connectors.national_payment.sandbox --port 5003 \
	    --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/national_payment/ipn & \
	  $(BIN)/python -m connectors.momo.sandbox --port 5004 \
	    --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/momo/ipn & \
	  $(BIN)/python -m connectors.einvoice.sandbox --port 5005 & \
	  $(BIN)/python -m connectors.zalo.sandbox --port 5006 \
	    --webhook-url http://127.0.0.1:5000/ket-noi/zalo/webhook & \
	  $(BIN)/python -m connectors.sms.sandbox --port 5007 & \
	  $(BIN)/python -m connectors.signing.sandbox --port 5010 --directory var/signing & \
	  $(BIN)/python -m connectors.remote_signing.sandbox --port 5012 --directory var/signing & \
	  $(BIN)/python -m connectors.national_portal.sandbox --port 5008 & \
	  $(BIN)/python -m connectors.document_management.sandbox --port 5011 & \
	  $(BIN)/python -m connectors.vnpost.sandbox --port 5009 & \
	  export $(SANDBOX_ENV); \
	fi; \
	$(BIN)/motcua worker & $(BIN)/motcua serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/step_throughput.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache motcua.db*
