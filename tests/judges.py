"""Outside judges inside the test suite: axe-core (accessibility, WCAG 2.1 A/AA) and the Nu HTML checker
(HTML validity).

Both come from npm, pinned in package.json / package-lock.json and installed into node_modules/ by
``scripts/install.sh --test`` (which ``./test.sh`` and ``.ci/run`` call); the Nu checker runs on Debian's java.
Nothing here skips: when a tool is missing the test fails and says how to install it.

- ``assert_axe_clean(page, context=None)`` injects axe into a Playwright page and fails listing each
  violation's id, impact and first targets.
- ``assert_valid_html(docs)`` checks a batch of documents (one JVM start for all of them, about 2 s) and fails
  listing each error's document, line and message. Give it the HTML as the server sent it (a response body),
  not ``page.content()``: the browser's serialisation of the DOM repairs what the checker should see.
- ``small_tap_targets(page)`` lists what is under 44 × 44 px to tap (call it on a phone-sized, touch page).
- ``session_cookie(user, base_url)`` signs a browser context in without the login form.
"""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
INSTALL_HINT = "run scripts/install.sh --test (./test.sh does) to install the test tools"


def require_axe() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS.relative_to(ROOT)}): {INSTALL_HINT}", pytrace=False)
    return AXE_JS


def require_nu() -> tuple[str, Path]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"java is missing (the Nu HTML checker runs on it): {INSTALL_HINT}", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"the Nu HTML checker is missing ({VNU_JAR.relative_to(ROOT)}): {INSTALL_HINT}", pytrace=False)
    return java, VNU_JAR


_RUN_AXE = """async ([context, tags]) => {
  window.__axeRunning = true;  // see tests/browser/conftest.py: the <style> axe makes for itself is not the page's
  let result;
  try {
    result = await axe.run(context || document, {
      runOnly: {type: 'tag', values: tags},
      resultTypes: ['violations'],
    });
  } finally {
    window.__axeRunning = false;
  }
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : '',
  }));
}"""


def axe_violations(page, context=None) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on ``page`` (``context``: a CSS selector, default the whole document)."""
    path = require_axe()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not an injected <script>: the portal's Content-Security-Policy (script-src 'self') refuses it, and the
        # refusal would count as the page's CSP violation (tests/browser/conftest.py). An evaluate from the test
        # runner is not subject to the policy.
        page.evaluate(path.read_text(encoding="utf-8"))
    page.judging = True  # the CSP watch's console listener: what axe itself causes is not the page's
    try:
        return page.evaluate(_RUN_AXE, [context, WCAG_TAGS])
    finally:
        page.judging = False


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        more = f" (+{v['count'] - len(v['targets'])} more)" if v["count"] > len(v["targets"]) else ""
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {', '.join(v['targets'])}{more}")
        if v["summary"]:
            lines.append("    " + v["summary"].replace("\n", "\n    "))
    return "\n".join(lines)


def assert_axe_clean(page, context=None, *, name=None):
    """Fail when axe finds a WCAG 2.1 A/AA violation on ``page`` (optionally only inside ``context``)."""
    violations = axe_violations(page, context)
    if violations:
        where = name or page.url
        pytest.fail(f"axe: {len(violations)} violation(s) on {where}\n{format_violations(violations)}", pytrace=False)


def _file_name(index: int, name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:60] or "document"
    return f"{index:03d}-{slug}.html"


def nu_errors(docs) -> dict[str, list[dict]]:
    """The Nu checker's errors per document name. ``docs``: one HTML string, or a dict name → HTML."""
    java, jar = require_nu()
    if isinstance(docs, str | bytes):
        docs = {"document": docs}
    with tempfile.TemporaryDirectory(prefix="nu-") as tmp:
        names = {}
        for index, (name, html) in enumerate(docs.items()):
            path = Path(tmp) / _file_name(index, name)
            path.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
            names[path.name] = name
        out = subprocess.run(
            [java, "-jar", str(jar), "--errors-only", "--format", "json", *sorted(str(Path(tmp) / n) for n in names)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    raw = out.stdout.strip() or out.stderr.strip()
    try:
        messages = json.loads(raw)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu HTML checker did not answer in JSON (exit {out.returncode}):\n{raw[:2000]}")
    found = {name: [] for name in docs}
    for message in messages:
        file_name = message.get("url", "").rsplit("/", 1)[-1]
        found.setdefault(names.get(file_name, file_name or "?"), []).append(message)
    return {name: errors for name, errors in found.items() if errors}


def assert_valid_html(docs):
    """Fail when the Nu HTML checker finds an error in any of ``docs`` (a string, or a dict name → HTML)."""
    errors = nu_errors(docs)
    if errors:
        lines = []
        for name, messages in errors.items():
            # the same error repeated (a loop in a template) is listed once with all its lines
            grouped = {}
            for m in messages:
                grouped.setdefault(m["message"], []).append(m)
            for message, same in grouped.items():
                where = ", ".join(str(m.get("lastLine", "?")) for m in same[:10]) + (" …" if len(same) > 10 else "")
                extract = (same[0].get("extract") or "").replace("\n", " ").strip()
                lines.append(f"- {name}, line {where}: {message}  «{extract[:120]}»")
        total = sum(len(m) for m in errors.values())
        pytest.fail(
            f"Nu HTML checker: {total} error(s) in {len(errors)} document(s)\n" + "\n".join(lines), pytrace=False
        )


# What a finger must hit on a phone, and the exceptions: a link inside running text (WCAG 2.5.8's inline
# exception), the skip link (visible only on keyboard focus).
TAP_TARGETS = """() => {
  const visible = el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[hidden], .collapse:not(.show)');
  };
  const inline = el => el.tagName === 'A' && !el.classList.contains('btn') && !el.classList.contains('nav-link')
    && !el.classList.contains('page-link') && !el.classList.contains('dropdown-item')
    && el.closest('p, li.list-inline-item, .form-text, .alert, figcaption, dd') !== null;
  const box = el => {
    const r = el.getBoundingClientRect();
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      // the input and its label(s) form one target
      const rects = [r, ...Array.from(el.labels || []).map(l => l.getBoundingClientRect())];
      const left = Math.min(...rects.map(x => x.left)), right = Math.max(...rects.map(x => x.right));
      const top = Math.min(...rects.map(x => x.top)), bottom = Math.max(...rects.map(x => x.bottom));
      return {width: right - left, height: bottom - top};
    }
    return {width: r.width, height: r.height};
  };
  const small = [];
  const selector = 'a[href], button, input[type=checkbox], input[type=radio], input[type=submit], summary, select';
  for (const el of document.querySelectorAll(selector)) {
    if (el.classList.contains('visually-hidden-focusable') || el.classList.contains('btn-check')) continue;
    if (!visible(el) || inline(el)) continue;
    const b = box(el);
    if (b.width < 43.5 || b.height < 43.5) {
      const what = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      const text = (el.innerText || el.value || el.name || '').trim().slice(0, 20);
      small.push(`${what} "${text}" ${Math.round(b.width)}×${Math.round(b.height)}`);
    }
  }
  return small;
}"""


def small_tap_targets(page) -> list[str]:
    """What a finger cannot hit comfortably on ``page``: each visible link, button, checkbox or select outside
    running text smaller than 44 × 44 px (a checkbox or radio button counts together with its label)."""
    return page.evaluate(TAP_TARGETS)


def session_cookie(user, base_url):
    """A cookie for ``browser_context.add_cookies`` that signs ``user`` in (faster than the login form)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }
