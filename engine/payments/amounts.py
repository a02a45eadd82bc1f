"""Amounts of money as Vietnamese documents write them."""


def format_dong(amount: int) -> str:
    """100000 -> "100.000 đồng" (a dot groups thousands in Vietnamese)."""
    return f"{amount:,}".replace(",", ".") + " đồng"
