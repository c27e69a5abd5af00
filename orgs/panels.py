"""Panels that higher apps add to an orgs page, without orgs knowing them.

The hierarchy runs orgs ← campaign ← evaluations ← awards ← dashboards: orgs must not import or load
anything of the apps above it. A higher app registers a panel for the member page from its
``AppConfig.ready()``; the member page renders every registered panel in registration order::

    from orgs.panels import member_panels
    member_panels.register("awards/_member_honours.html", lambda request, member: {"honours": ...})
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any, Any], dict]


class PanelSlot:
    """An ordered list of panels for one page; a template is registered once (re-running ready() is harmless)."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, template: str, context: Callable[[Any, Any], dict]) -> None:
        self._panels[template] = Panel(template, context)

    def render(self, request, obj) -> list[str]:
        """Each panel's HTML for ``obj`` (the page includes them with ``|safe``: they are rendered templates)."""
        return [
            render_to_string(panel.template, panel.context(request, obj), request=request)
            for panel in self._panels.values()
        ]


member_panels = PanelSlot()
