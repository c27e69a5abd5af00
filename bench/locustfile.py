"""The portal's real journeys for locust: bench/bench_load.py runs them headless, tests/bench/test_load_smoke.py once.

Every person is a distinct account of the load fixture (``bench_load.prepare_fixture``) or, for the masses, a
distinct phone with a one-time token. They fill in the forms the pages send (CSRF token, revision and every
default included) and check what the page answers: a step counts as an error when the status is not 2xx/3xx
or the page does not say what it should (the success message, the expected heading).

Requests reach gunicorn as nginx would forward them: ``X-Forwarded-Proto: https`` (so the secure cookies and
the CSRF origin check work as in production) and one ``X-Forwarded-For`` address per person.

Environment (set by bench_load.py):
  LOAD_FIXTURE   the fixture JSON (accounts, plans, tokens)
  LOAD_USERS     the number of users (the floor's count)
  LOAD_COUNTS    how many of them of each kind, JSON: {"secretary": …, "county": …, "province": …, "mass": …}
  LOAD_THINK     think time before each of a person's requests (also between opening a form and sending it),
                 "LOW-HIGH" seconds (default 2-8); the users' first requests are spread over one think time
  LOAD_SURGE     the deadline surge: every secretary submits the returned plan within this many seconds of the
                 start (default 60)
  LOAD_SESSIONS  the login storm writes the logged-in cookies here; the mixed phase starts from them (a person
                 who logged in once stays logged in)
  LOAD_RESULTS   every request's time (ms) and outcome by name, written when locust stops
  LOAD_CONNECTION  "close": every request on a new connection, as nginx forwards it (bench_load.py)

User classes (chosen on the command line): ``FloorUser`` (the bare view), ``LoginStormUser``,
``SecretaryUser``, ``CountyUser``, ``ProvinceUser``, ``MassUser``, and ``SmokeUser`` (every journey once, then
locust quits).
"""

import html
import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task
from locust.exception import StopUser


def _fixture() -> dict:
    path = os.environ.get("LOAD_FIXTURE")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


FIXTURE = _fixture()
USERS = int(os.environ.get("LOAD_USERS", "200"))
# How many users of each kind (bench_load.mix): secretary, county, province, mass.
COUNTS = json.loads(os.environ.get("LOAD_COUNTS") or '{"secretary": 1, "county": 1, "province": 1, "mass": 1}')
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "2-8").split("-"))
SURGE = float(os.environ.get("LOAD_SURGE", "60"))
SESSIONS_FILE = os.environ.get("LOAD_SESSIONS", "")
RESULTS_FILE = os.environ.get("LOAD_RESULTS", "")
# ``Connection: close`` on every request (bench_load.py sets it): nginx talks to gunicorn over a new connection per
# request (deploy/nginx has no upstream keepalive). Kept-alive connections idle longer than gunicorn's keepalive
# (5 s, less than a think time) were closed by the server while a form was being sent: the POST, which the client
# does not resend, failed with "HTTP 0" on a busy machine — an error of the bench's wiring, not of a page. The
# smoke test's live server (Django's threaded WSGI server) drops a POST sent that way, so it keeps connections.
CLOSE = os.environ.get("LOAD_CONNECTION") == "close"

# Shared by the greenlets of this process: each account and each token is handed out once.
_secretaries = iter(FIXTURE.get("secretaries", []))
_county = iter(FIXTURE.get("county_users", []))
_province = iter(FIXTURE.get("province_users", []))
_tokens = iter(FIXTURE.get("tokens", []))
_addresses = itertools.count(1)
_sessions_out: dict[str, list] = {}
_sessions_in: dict[str, list] = {}
if SESSIONS_FILE and os.path.exists(SESSIONS_FILE):
    with open(SESSIONS_FILE, encoding="utf-8") as f:
        _sessions_in = json.load(f)


def _address() -> str:
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


# ---- results: every request by name ---------------------------------------------------------------------------

_times: dict[str, list[float]] = defaultdict(list)
_finished: dict[str, list[float]] = defaultdict(list)  # when each request ended (epoch seconds)
_errors: dict[str, int] = defaultdict(int)
_messages: dict[str, list[str]] = defaultdict(list)
_clock = {"start": None, "stop": None, "stopping": 0.0}
_notes: dict[str, int] = defaultdict(int)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    if exception is not None and _clock["stopping"]:
        # locust ends the phase: a request cut off by it is the bench's doing, not the server's
        _notes[f"{name}: cut off by the end of the phase"] += 1
        return
    _times[name].append(response_time)
    _finished[name].append(time.time())
    if exception is not None:
        _errors[name] += 1
        if len(_messages[name]) < 5:
            _messages[name].append(str(exception)[:300])


@events.test_start.add_listener
def _started(environment, **kwargs):
    _clock["start"] = time.time()


@events.quitting.add_listener
def _write(environment, **kwargs):
    _clock["stop"] = _clock["stop"] or time.time()
    if RESULTS_FILE:
        with open(RESULTS_FILE, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "start": _clock["start"],
                    "stop": _clock["stop"],
                    "stopping": _clock["stopping"] or _clock["stop"],
                    "times": _times,
                    "finished": _finished,
                    "ramp": THINK[1],  # the users' first steps are spread over this many seconds (stagger)
                    "errors": _errors,
                    "messages": _messages,
                    "notes": _notes,
                },
                f,
                ensure_ascii=False,
            )
    if SESSIONS_FILE and _sessions_out:
        with open(SESSIONS_FILE, "w", encoding="utf-8") as f:
            json.dump(_sessions_out, f)


@events.test_stopping.add_listener
def _stopping(environment, **kwargs):
    _clock["stopping"] = time.time()  # the run time is over: what ends after this is outside the window


@events.test_stop.add_listener
def _stopped(environment, **kwargs):
    _clock["stop"] = time.time()


# ---- reading the pages ----------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every <form> of a page: its action, method and the fields a browser would send as the page stands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            self._form["options"] = defaultdict(list)  # radio / checkbox / select choices by name
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox"):
                self._form["options"][a["name"]].append(a.get("value", "on"))
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
                return
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form["options"][self._select["name"]].append(value)
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["value"] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._select["value"] if self._select["value"] is not None else self._select["first"]
            self._form["fields"].append((self._select["name"], value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def find_form(page: str, *, action: str | None = None, field: str | None = None) -> dict | None:
    """The first form whose action contains ``action`` or that has a field ``field`` (and is not the logout)."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        names = {name for name, _value in form["fields"]} | set(form["options"])
        if "logout" in form["action"]:
            continue
        if action is not None and action not in form["action"]:
            continue
        if field is not None and field not in names:
            continue
        return form
    return None


def fields_with(form: dict, **values) -> list[tuple[str, str]]:
    """The form's fields with ``values`` replacing (or adding) the named ones; a list value repeats the name."""
    kept = [(name, value) for name, value in form["fields"] if name not in values]
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            kept.append((name, str(item)))
    return kept


TITLE = re.compile(r"<title>([^<]*)</title>")
ALERT = re.compile(r'class="(?:alert alert-\w+|invalid-feedback)[^"]*"[^>]*>\s*([^<]+)<')


def describe(page: str) -> str:
    """What a page that is not the expected one says: its title and first alert or field error, or its length."""
    title = TITLE.search(page)
    alert = ALERT.search(page)
    parts = [html.unescape(m.group(1)).strip()[:80] for m in (title, alert) if m]
    return "; ".join(parts) or f"{len(page)} characters"


# ---- the person behind a user ---------------------------------------------------------------------------------


class Person(FastHttpUser):
    """A browser behind nginx: one forwarded address, secure cookies over the proxy's plain HTTP."""

    abstract = True
    wait_time = between(*THINK)
    journey = ""
    # A person waits as long as nginx does (proxy_read_timeout 120 s in deploy/nginx) before the page fails.
    network_timeout = 120.0
    connection_timeout = 120.0

    stagger = True  # people do not click at the same millisecond: the first step comes after one think time
    thinks = True  # a think time before sending a form (see ``submit``)

    def on_start(self):
        # Django's cookies are Secure (production): nginx talks plain HTTP to gunicorn, the browser HTTPS to nginx.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("http", "https")))
        self.address = _address()
        parts = urlsplit(self.host)
        self.origin = f"https://{parts.netloc}"
        if self.stagger:
            time.sleep(random.uniform(0, THINK[1]))  # gevent's sleep (locust patches time)

    def headers(self, referer: str | None = None) -> dict:
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https"}
        if CLOSE:
            headers["Connection"] = "close"
        if referer is not None:
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + referer
        return headers

    def get(self, path: str, step: str, *, expect: str | None = None, status=(200,)) -> str | None:
        """GET ``path`` (redirects followed); the page's text, or None when it failed."""
        with self.client.get(
            path, name=f"{self.journey}｜{step}", headers=self.headers(), catch_response=True
        ) as response:
            text = response.text or ""
            if response.status_code not in status:
                response.failure(f"{path}: HTTP {response.status_code}")
                return None
            if expect is not None and expect not in text:
                response.failure(f"{path}: “{expect}” missing (HTTP {response.status_code}, {describe(text)})")
                return None
            response.success()
            return text

    def post(self, path: str, data, step: str, *, referer: str, expect: str | None = None, status=(200,)):
        """POST a form (urlencoded, redirects followed); the answer's text, or None when it failed."""
        headers = {**self.headers(referer), "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            path, data=urlencode(data), name=f"{self.journey}｜{step}", headers=headers, catch_response=True
        ) as response:
            text = response.text or ""
            if response.status_code not in status:
                response.failure(f"{path}: HTTP {response.status_code}")
                return None
            if expect is not None and expect not in text:
                response.failure(f"{path}: “{expect}” missing (HTTP {response.status_code}, {describe(text)})")
                return None
            response.success()
            return text

    def submit(self, page_path: str, page: str, step: str, *, action=None, field=None, expect=None, **values):
        """Fill in the form found on ``page`` (got from ``page_path``) and send it — after one think time: a
        person reads the page and fills the form in before sending it (every request follows a think time, as
        on the floor)."""
        form = find_form(page, action=action, field=field)
        if form is None:
            self.note(f"{self.journey}｜{step}: form missing on {page_path}")
            return None
        if self.thinks:
            time.sleep(random.uniform(*THINK))
        target = form["action"] or page_path
        return self.post(target, fields_with(form, **values), step, referer=page_path, expect=expect)

    def note(self, what: str):
        _notes[what] += 1

    # ---- logging in ----

    def log_in(self, username: str, journey: str = "登录") -> bool:
        saved = self.journey
        self.journey = journey
        try:
            page = self.get("/accounts/login/", "登录页")
            if page is None:
                return False
            answer = self.submit(
                "/accounts/login/",
                page,
                "提交用户名密码",
                field="password",
                username=username,
                password=FIXTURE["password"],
            )
            if answer is None:
                return False
            if 'name="password"' in answer:
                self.note(f"{journey}: {username} still on the login form")
                return False
            return True
        finally:
            self.journey = saved

    def resume_session(self, username: str) -> bool:
        """Take the cookies the login storm left for ``username``; False when there are none."""
        from requests.cookies import create_cookie

        cookies = _sessions_in.get(username)
        if not cookies:
            return False
        for name, value, domain, path, secure in cookies:
            self.client.cookiejar.set_cookie(create_cookie(name, value, domain=domain, path=path, secure=secure))
        return True

    def keep_session(self, username: str):
        _sessions_out[username] = [(c.name, c.value, c.domain, c.path, c.secure) for c in self.client.cookiejar]

    def start_as(self, username: str):
        if not (self.resume_session(username) or self.log_in(username)):
            raise StopUser()


# ---- the journeys ---------------------------------------------------------------------------------------------


class SecretaryJourney:
    """A branch secretary: the workbench, the returned plan, activity records, commitments, a nomination, and —
    once, inside the deadline surge — the plan revised and submitted."""

    def __init__(self, user: Person, account: dict):
        self.user, self.account = user, account
        self.org, self.plan = account["org"], account["plan"]
        self.deadline = time.monotonic() + random.uniform(0, SURGE)
        self.submitted = False
        self.nominated = account.get("nominee") is None

    def steps(self):
        return [
            (6, self.workbench),
            (2, self.plan_page),
            (1, self.inbox),
            (1, self.activity_list),
            (2, self.activity_record),
            (1, self.commitment),
            (1, self.nominations),
        ]

    def workbench(self):
        self.user.get(f"/workbench/{self.org}/", "工作台", expect="节点任务")

    def plan_page(self):
        self.user.get(f"/campaign/plans/{self.plan}/", "实施方案", expect="实施方案")

    def inbox(self):
        self.user.get("/campaign/inbox/", "站内信", expect="站内信")

    def activity_list(self):
        self.user.get("/campaign/activities/", "活动记录列表", expect="活动记录")

    def activity_record(self):
        path = f"/campaign/activities/new/?org={self.org}"  # what the org chooser sends (a 党总支 has branches)
        page = self.user.get(path, "活动记录 填写页", expect="activity_type")
        if page is None:
            return
        form = find_form(page, field="activity_type")
        if form is None:
            return self.user.note("活动记录: form missing")
        kinds = [value for value in form["options"]["activity_type"] if value]
        people = form["options"].get("participants", [])
        chosen = random.sample(people, min(3, len(people)))
        self.user.submit(
            path,
            page,
            "活动记录 提交",
            field="activity_type",
            expect="已保存活动记录",
            activity_type=random.choice(kinds),
            title="主题党日：学习党的基本理论",
            description="全体党员参加，交流学习体会。",
            participant_count=max(5, len(chosen)),
            participants=chosen,
        )

    def commitment(self):
        path = f"/campaign/commitments/new/?org={self.org}"
        page = self.user.get(path, "承诺 填写页", expect="content")
        if page is not None:
            self.user.submit(
                path, page, "承诺 提交", field="content", expect="承诺已保存为草稿", content="年内为群众办实事五件。"
            )

    def nominations(self):
        fixture = FIXTURE
        if self.nominated:
            self.user.get(f"/awards/rounds/{fixture['round']}/nominations/", "推荐名单", expect="推荐")
            return
        path = f"/awards/rounds/{fixture['round']}/nominate/?category={fixture['category']}&org={self.org}"
        page = self.user.get(path, "推荐 填写页", expect="nominee")
        if page is None:
            return
        self.nominated = True
        self.user.submit(
            path,
            page,
            "推荐 提交",
            field="nominee",
            expect="已推荐",
            nominee=self.account["nominee"],
            deeds="该同志带头为群众办实事，在创先争优活动中表现突出。",
        )

    def deadline_submit(self):
        """截止高峰: open the returned plan, revise it, submit it."""
        self.submitted = True
        user, saved = self.user, self.user.journey
        user.journey = "截止高峰"
        try:
            edit = f"/campaign/plans/{self.plan}/edit/"
            page = user.get(edit, "方案 修改页", expect="measures")
            if page is None:
                return
            form = find_form(page, field="measures")
            carriers = form["options"].get("carriers", []) if form else []
            detail = user.submit(
                edit,
                page,
                "方案 保存",
                field="measures",
                expect="实施方案已保存",
                commitments="为群众办实事十件，2011年6月底前完成。",
                carriers=carriers[:1],
                other_carriers="党员设岗定责",
            )
            if detail is None:
                return
            user.submit(
                f"/campaign/plans/{self.plan}/",
                detail,
                "方案 提交",
                action="/submit/",
                expect="实施方案已提交",
            )
        finally:
            user.journey = saved

    def step(self):
        if not self.submitted and time.monotonic() >= self.deadline:
            return self.deadline_submit()
        weights, actions = zip(*self.steps(), strict=True)
        random.choices(actions, weights)[0]()


class CountyJourney:
    """The county 组织部: the plans waiting for approval, filters, approving its own slice of plans, members."""

    def __init__(self, user: Person, account: dict):
        self.user, self.account = user, account
        self.plans = list(account["plans"])
        self.county = account["org"]

    def steps(self):
        return [(3, self.pending), (2, self.filtered), (2, self.approve), (1, self.members), (1, self.children)]

    def pending(self):
        self.user.get("/campaign/plans/?pending=on", "待我审批", expect="实施方案")

    def filtered(self):
        status, term = random.choice([("submitted", "镇"), ("returned", ""), ("approved", "乡"), ("", "村")])
        self.user.get(f"/campaign/plans/?status={status}&q={term}", "方案 筛选", expect="实施方案")

    def approve(self):
        if not self.plans:
            return self.pending()
        plan = self.plans.pop(0)
        path = f"/campaign/plans/{plan}/"
        page = self.user.get(path, "方案 审阅", expect="实施方案")
        if page is not None:
            self.user.submit(path, page, "方案 审批通过", action="/approve/", expect="已审批通过")

    def members(self):
        query = random.choice(["", "?page=3", "?q=%E5%BC%A0", "?category=farmer"])
        self.user.get(f"/members/{query}", "党员 列表", expect="党员")

    def children(self):
        self.user.get(f"/orgs/{self.county}/children/", "下级组织", expect="党")

    def step(self):
        weights, actions = zip(*self.steps(), strict=True)
        random.choices(actions, weights)[0]()


class ProvinceJourney:
    """The provincial leading group: the dashboard and its drill-down to the city, the county and a township."""

    def __init__(self, user: Person, account: dict):
        self.user, self.account = user, account
        self.lists: list[str] = []

    def steps(self):
        return [(2, self.root), (2, self.city), (2, self.county), (1, self.township), (1, self.lagging),
                (1, self.sectors), (1, self.figure_list)]  # fmt: skip

    def root(self):
        page = self.user.get("/dashboards/", "看板 全省", expect="看板")
        if page is not None and not self.lists:
            self.lists = sorted(set(re.findall(r'href="/dashboards/\d+/list/([\w-]+)/"', page)))

    def city(self):
        self.user.get(f"/dashboards/{FIXTURE['city']}/", "看板 市", expect="看板")

    def county(self):
        self.user.get(f"/dashboards/{FIXTURE['county']}/", "看板 县", expect="看板")

    def township(self):
        code = random.choice(FIXTURE["townships"])
        self.user.get(f"/dashboards/{code}/", "看板 乡镇", expect="看板")

    def lagging(self):
        self.user.get(f"/dashboards/{FIXTURE['county']}/lagging/", "看板 后进", expect="看板")

    def sectors(self):
        self.user.get(f"/dashboards/{FIXTURE['province']}/sectors/", "看板 分领域", expect="看板")

    def figure_list(self):
        slug = random.choice(self.lists or ["activities"])
        self.user.get(f"/dashboards/{FIXTURE['county']}/list/{slug}/", "看板 明细", expect="看板")

    def step(self):
        weights, actions = zip(*self.steps(), strict=True)
        random.choices(actions, weights)[0]()


class MassJourney:
    """A person of the masses with a printed token: opens the page from the QR code, answers, sends it."""

    def __init__(self, user: Person):
        self.user = user

    def answer(self) -> bool:
        token = next(_tokens, None)
        if token is None:
            self.user.note("群众评议: tokens used up")
            return False
        self.user.address = _address()  # another person, another phone
        path = f"/evaluations/m/{token}/"
        page = self.user.get(path, "评议页", expect="群众评议")
        if page is None:
            return True
        form = find_form(page, field="c1") or find_form(page)
        if form is None:
            self.user.note("群众评议: form missing")
            return True
        choices = {name: random.choice(values) for name, values in form["options"].items() if values}
        self.user.submit(path, page, "提交评议", expect="感谢您", **choices)
        return True


# ---- the users of each phase ----------------------------------------------------------------------------------


class FloorUser(Person):
    """The floor: /healthz, a Django view with the whole middleware and no database (common/health.py)."""

    fixed_count = USERS
    journey = "基准 /healthz"

    @task
    def healthz(self):
        self.get("/healthz", "healthz", expect='"ok"')


_storm_left = {"n": None}


class LoginStormUser(Person):
    """Every account logs in through the login form at the same moment, once; the cookies are kept for the mixed
    phase. Locust quits when the last one is in."""

    fixed_count = COUNTS["secretary"] + COUNTS["county"] + COUNTS["province"]
    journey = "登录风暴"
    stagger = thinks = False  # all at once

    def on_start(self):
        super().on_start()
        if _storm_left["n"] is None:
            _storm_left["n"] = self.fixed_count
        self.account = next(_secretaries, None) or next(_county, None) or next(_province, None)

    @task
    def storm(self):
        if self.account is not None and self.log_in(self.account["username"], journey="登录风暴"):
            self.keep_session(self.account["username"])
        _storm_left["n"] -= 1
        if _storm_left["n"] <= 0:
            self.environment.runner.quit()
        raise StopUser()


class AccountUser(Person):
    """A person who logs in with the next account of ``accounts`` and walks ``journey_class`` step by step."""

    abstract = True
    accounts = iter(())
    journey_class = None

    def on_start(self):
        super().on_start()
        account = next(self.accounts, None)
        if account is None:
            raise StopUser()
        self.start_as(account["username"])
        self.work = self.journey_class(self, account)

    @task
    def step(self):
        self.work.step()


class SecretaryUser(AccountUser):
    fixed_count = COUNTS["secretary"]
    journey = "书记"
    accounts = _secretaries
    journey_class = SecretaryJourney


class CountyUser(AccountUser):
    fixed_count = COUNTS["county"]
    journey = "组织部"
    accounts = _county
    journey_class = CountyJourney


class ProvinceUser(AccountUser):
    fixed_count = COUNTS["province"]
    journey = "领导小组"
    accounts = _province
    journey_class = ProvinceJourney


class MassUser(Person):
    fixed_count = COUNTS["mass"]
    journey = "群众评议"

    def on_start(self):
        super().on_start()
        self.work = MassJourney(self)

    @task
    def step(self):
        if not self.work.answer():
            raise StopUser()


class SmokeUser(Person):
    """Every step of every journey once, one after the other, without think time; then locust quits."""

    fixed_count = 1
    wait_time = between(0, 0)
    stagger = thinks = False

    @task
    def everything(self):
        self.journey = "基准 /healthz"
        self.get("/healthz", "healthz", expect='"ok"')
        for kind, journey_class, accounts in (
            ("书记", SecretaryJourney, _secretaries),
            ("组织部", CountyJourney, _county),
            ("领导小组", ProvinceJourney, _province),
        ):
            account = next(accounts)
            self.client.cookiejar.clear()
            self.journey = kind
            if not self.log_in(account["username"]):
                continue
            work = journey_class(self, account)
            for _weight, action in work.steps():
                action()
            if isinstance(work, SecretaryJourney):
                work.deadline_submit()
        self.client.cookiejar.clear()
        self.journey = "群众评议"
        MassJourney(self).answer()
        self.environment.runner.quit()
        raise StopUser()
