"""Who acts when a service is called: a user, or the portal itself.

Services that check permissions take ``by=``: the user whose rights are checked, or ``SYSTEM`` for the portal's
own work that a user's rights do not govern (the demo loader, the daily badge sync, the admin after it has
scoped the object, the tests' factories). ``None`` is refused: a permission check can never be skipped by
leaving the actor out or by passing a user that happens to be missing.
"""


class System:
    """The portal itself (``SYSTEM``): passes every permission check and is recorded as no user."""

    __slots__ = ()
    pk = None

    def __repr__(self):
        return "SYSTEM"


SYSTEM = System()


def is_system(by) -> bool:
    """Whether ``by`` is the portal itself; a user gives False; ``None`` is a programming error."""
    if by is None:
        raise TypeError("by= must be a user or common.actors.SYSTEM, never None")
    return by is SYSTEM


def recorded_user(by):
    """The user to record as the author of a row (None for the portal itself)."""
    return None if is_system(by) else by
