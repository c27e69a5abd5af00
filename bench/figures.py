"""What the bench scripts share to print their figures: the nearest-rank percentile and table padding that counts
a Chinese character as two columns."""


def percentile(values, q):
    """Nearest-rank percentile of a non-empty list (``q`` 0–1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))]


def width(text):
    """Columns ``text`` takes in a terminal: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text, n, right=False):
    space = " " * max(0, n - width(text))
    return space + text if right else text + space
