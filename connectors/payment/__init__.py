"""Online payment providers behind one interface (connectors/payment/contract.py)."""
