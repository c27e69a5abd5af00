from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows, so page 1 of 4 million members costs no full count.

    ``known_count`` (e.g. a maintained roll-up) is used as is when given.
    """

    cap = 10_000

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        self.capped = False

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        n = self.object_list[: self.cap + 1].count()
        if n > self.cap:
            self.capped = True
            return self.cap
        return n
