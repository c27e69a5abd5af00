from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property

# An estimate this many times a count's cap is taken as "more than the cap" without counting: the planner's estimate
# of a combination of filters can be far off, but not by a factor of ten (orgs.views.members: the member list).
SURELY_LARGE = 10


def exact_count_limit() -> int:
    """Up to how many rows a list or a figure is counted on each request (the setting ``EXACT_COUNT_LIMIT``)."""
    return settings.EXACT_COUNT_LIMIT


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows, so page 1 of 4 million members costs no full count. The cap is the pager's own
    (how many rows are counted to draw it), not ``exact_count_limit()``: a test that lowers the setting to make a
    county "large" still sees its whole list.

    ``known_count`` (e.g. a maintained roll-up) is used as is when given. ``estimate`` (the planner's, e.g.
    ``orgs.queries.estimate_members``): when it is above ``cap × SURELY_LARGE`` the list is taken as capped without
    counting (the pager says "+" as after a count past the cap).
    """

    cap = 10_000

    def __init__(self, *args, known_count=None, estimate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        self.estimate = estimate
        self.capped = False

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        if self.estimate is not None and self.estimate > self.cap * SURELY_LARGE:
            self.capped = True
            return self.cap
        rows = self.object_list
        if hasattr(rows, "order_by"):
            # The order does not change how many rows there are: without it the count stops after cap + 1 rows
            # in whatever order they are found, instead of sorting the whole list first.
            rows = rows.order_by()
        n = rows[: self.cap + 1].count()
        if n > self.cap:
            self.capped = True
            return self.cap
        return n


def query_without_page(request, *names) -> str:
    """The list's query string without its page number (and ``names``): the pager's links add their own."""
    params = request.GET.copy()
    for name in ("page", *names):
        params.pop(name, None)
    return params.urlencode()
