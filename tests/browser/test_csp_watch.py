"""The CSP watch of tests/browser/conftest.py sees what the browser refuses: an inline style attribute, an inline
script and a script from another host on a page served with a strict policy, and an inline style on a portal page
(under the portal's own policy). Every browser test fails on such a report; these tests provoke them on purpose
and clear them."""

import pytest

pytestmark = pytest.mark.browser

POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": POLICY}
BODY = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>CSP</title></head>
<body><p style="color: red">内联样式</p><script>document.title = "内联脚本";</script>
<script src="https://cdn.example.invalid/lib.js"></script></body></html>"""


def test_the_watch_reports_each_refused_inline_style_and_script(page, csp_watch):
    page.route(
        "http://csp-watch.test/**",
        lambda route: route.fulfill(
            status=200,
            headers=HEADERS,
            body=BODY,
        ),
    )
    page.goto("http://csp-watch.test/")
    page.wait_for_function("window.__cspViolations.length >= 3")
    assert page.title() == "CSP"  # the inline script did not run
    csp_watch.collect()
    problems = "\n".join(csp_watch.problems())
    assert "style-src" in problems
    assert "script-src" in problems
    assert "cdn.example.invalid" in problems
    csp_watch.clear()  # seen on purpose: this test must not fail for them


def test_a_page_within_the_policy_reports_nothing(page, csp_watch):
    page.route(
        "http://csp-watch.test/**",
        lambda route: route.fulfill(
            status=200,
            headers=HEADERS,
            body='<!doctype html><html lang="zh-CN"><head><title>OK</title></head><body><p>没有内联</p></body></html>',
        ),
    )
    page.goto("http://csp-watch.test/")
    csp_watch.collect()
    assert csp_watch.problems() == []


def test_the_portal_sends_its_policy_and_the_watch_sees_a_break_of_it(live_server, page, csp_watch):
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<p style="color: red">内联样式</p>')""")
    page.wait_for_function("window.__cspViolations.length >= 1")
    csp_watch.collect()
    assert "style-src" in "\n".join(csp_watch.problems())
    csp_watch.clear()
