"""Import and export of organizations and members in the template of DESIGN.md ("Import template").

The pieces: ``columns`` (the exact headers), ``reader`` (xlsx/CSV → numbered rows), ``orgs_import`` and
``members_import`` (set-based dry run and all-or-nothing apply), ``jobs`` (an ``ImportJob`` run by a
Celery task with progress), ``forms`` (the upload form). Exports live in ``orgs.exporters``.

"全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三): the
import is how a county's whole roster gets into the portal at once.
"""
