"""Where the 党性分析 list takes its coverage figures from when its scope is too large to count on each request.

Counted exactly, the figures of the province root read 4.2 million members and their reports on every request
(3.9 s with 800,000 reports: bench/README.md 页面 root / county). The dashboards keep the same figures per node in
their snapshot and register a source here (``common.rollups``); the list asks it only for a whole subtree (a node
read without a sector restriction) of more than ``orgs.pagination.exact_count_limit()`` members, and says when
the figures were read. Below the limit, or when no source answers (no snapshot of the campaign), the figures are
counted exactly.
"""

from common.rollups import RollupSlot

# Up to ``orgs.pagination.exact_count_limit()`` members in the scope the figures are counted on each request (each
# member's report looked up by index: 20–40 ms); above it they are read from a source when one answers (a county of
# the province set has 16,000 members, the province 4.2 million).
# The counts a source gives for ``(campaign, node)``: evaluations.services.reports.with_shares adds the rest.
COUNTS = ("members", "participated", "required", "written_required", "accepted_required", "written", "accepted")

coverage_sources = RollupSlot()
