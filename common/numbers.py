"""Numbers as the portal shows them."""

from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal, rounded half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def progress(done: int, total: int) -> int:
    """How far a long job is, in whole percent for a progress bar: rounded down, at most 100; 0 without a total."""
    if not total:
        return 0
    return min(100, done * 100 // total)
