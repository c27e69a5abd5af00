"""Browser fixtures (browser, page, phone) live in tests/conftest.py: one Chromium for the whole run.

Here: every browser test fails on a Content-Security-Policy violation. The portal sends a strict policy
(``CONTENT_SECURITY_POLICY`` in config/settings/base.py: no inline script or style, nothing from another host);
a page that breaks it still loads, with the offending script or style silently dropped. So every browser context
a test opens (``browser.new_context`` or ``browser.new_page``, from the fixtures or the test itself) gets

- an init script listening to ``securitypolicyviolation`` events (Playwright's init scripts run outside the page's
  policy, so the listener itself is never blocked), reporting each one through an exposed binding and keeping it
  in ``window.__cspViolations`` until it is collected, and
- a console listener for Chromium's own reports ("Refused to …", "… Content Security Policy …").

One exception, the judge's own act: axe's CSSOM preload copies a stylesheet pulled in by ``@import`` (Django
admin's forms.css imports widgets.css) into a ``<style>`` element of a scratch document, which the policy refuses.
A refused inline style while axe runs (``window.__axeRunning``, set by tests/judges.py), from code without a
source file (the test runner's evaluate, never a file the page loaded), is not counted; axe then leaves out only
its orientation-lock check on that page.

When the test's body ends, the pages still open are read once more and the test fails on anything collected,
naming the page, the directive and what was blocked.
"""

import pytest

VIOLATION_LISTENER = """
(() => {
  if (window.__cspWatch) return;
  window.__cspWatch = true;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    const directive = event.effectiveDirective || event.violatedDirective || '';
    const inlineStyle = event.blockedURI === 'inline' && directive.startsWith('style-src');
    if (window.__axeRunning && !event.sourceFile && inlineStyle) {
      return;  // axe's own <style> (see the module's docstring)
    }
    const report = {
      id: Math.random().toString(36).slice(2) + Date.now().toString(36),
      page: document.location.href,
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
    };
    window.__cspViolations.push(report);
    if (typeof window.__cspReport === 'function') window.__cspReport(report);
  }, true);
})();
"""

CONSOLE_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


class CspWatch:
    """The violations seen in the contexts a test opened."""

    def __init__(self):
        self.violations: dict[str, dict] = {}  # report id → report
        self.dismissed: set[str] = set()
        self.console: list[str] = []
        self.contexts = []

    def watch(self, context):
        if context in self.contexts:
            return context
        self.contexts.append(context)
        context.expose_binding("__cspReport", lambda source, report: self._keep(report))
        context.add_init_script(VIOLATION_LISTENER)
        context.on("console", self._console)
        return context

    def _keep(self, report):
        if isinstance(report, dict) and report.get("id") and report["id"] not in self.dismissed:
            self.violations.setdefault(report["id"], report)

    def _console(self, message):
        text = message.text
        if getattr(message.page, "judging", False) and not (message.location or {}).get("url"):
            return  # axe's own <style> while it runs (see the module's docstring)
        if message.type in ("error", "warning") and any(marker in text for marker in CONSOLE_MARKERS):
            self.console.append(f"{message.page.url if message.page else '?'}: {text}")

    def collect(self):
        """Read the reports still held by the open pages (an event whose binding call is still on its way)."""
        for context in self.contexts:
            try:
                pages = list(context.pages)
            except Exception:  # noqa: BLE001, S112  (the context is closed: its reports came through the binding)
                continue
            for page in pages:
                try:
                    reports = page.evaluate("window.__cspViolations || []")
                except Exception:  # noqa: BLE001, S112  (closed, or in the middle of a navigation)
                    continue
                for report in reports:
                    self._keep(report)

    def problems(self) -> list[str]:
        found = [
            f"{r['page']}: {r['directive']} blocked {r['blocked'] or '(inline)'}"
            + (f" at {r['source']}:{r['line']}" if r.get("source") else "")
            + (f" “{r['sample']}”" if r.get("sample") else "")
            for r in self.violations.values()
        ]
        return found + [f"console: {line}" for line in self.console]

    def clear(self):
        """Forget what was seen so far (a test that provokes violations on purpose)."""
        self.collect()
        self.dismissed |= set(self.violations)
        self.violations.clear()
        self.console.clear()


@pytest.fixture(autouse=True)
def csp_watch(request):
    """Watch every browser context the test opens (only for tests that use the browser)."""
    if "browser" not in request.fixturenames:
        yield None
        return
    browser = request.getfixturevalue("browser")
    watch = CspWatch()
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        return watch.watch(new_context(*args, **kwargs))

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        watch.watch(page.context)
        return page

    browser.new_context, browser.new_page = watched_context, watched_page
    try:
        yield watch
    finally:
        del browser.new_context, browser.new_page  # the class's own methods again


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test's body (its pages still open): fail on any CSP violation it caused."""
    result = yield
    watch = item.funcargs.get("csp_watch") if hasattr(item, "funcargs") else None
    if watch is not None:
        watch.collect()
        problems = watch.problems()
        assert not problems, "Content-Security-Policy violations:\n" + "\n".join(problems)
    return result
