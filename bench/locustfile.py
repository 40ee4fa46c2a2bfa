"""The realistic mix of `make bench`, run by Locust (bench/mix.py starts it headless): distinct
people signed in beforehand — directors, evaluators, administrators — each browsing their own
pages with a pause between two actions, about one request in ten a write.

The people, their cookies and their pages come from the JSON file named by BENCH_MIX_PLAN.
Every request is named after the page it asks for, so Locust's statistics are per page; a
page is answered 200 and a form's POST a redirect to where the portal sends it, or the
request counts as an error. Redirects are followed as a browser does, each as a request of
its own.
"""

import json
import os
import random
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from html_forms import form_with, replaced
from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_MIX_PLAN"]).read_text())
HOST = urlsplit(PLAN["base_url"]).hostname
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _cookie(name, value):
    return Cookie(
        0, name, value, None, False, HOST, True, False, "/", True, False, None, False, None,
        None, {},
    )  # fmt: skip


class Person(FastHttpUser):
    abstract = True
    host = PLAN["base_url"]
    wait_time = between(*PLAN["think_seconds"])
    role: str | None = None
    actions: dict[str, float] = {}  # {method name: weight}

    def on_start(self):
        # Each person once: Locust starts `fixed_count` users of the class, one per account.
        self.me = PLAN["people"][self.role].pop()
        self.rng = random.Random(self.me["email"])  # noqa: S311 -- load pattern, not secrets  # nosec B311
        for name, value in self.me["cookies"].items():
            self.client.cookiejar.set_cookie(_cookie(name, value))
        self._names, self._weights = zip(*self.actions.items(), strict=True)

    @task
    def act(self):
        getattr(self, self.rng.choices(self._names, self._weights)[0])()

    # What every action is made of.

    def page(self, url, name):
        """A page, answered 200; its HTML."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
                return ""
            return r.text

    def post(self, url, fields, name, *, to):
        """A form sent, answered with a redirect to a URL starting with `to`; then the page
        it leads to, as the browser opens it."""
        csrf = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        body = urlencode(replaced(fields, {"csrfmiddlewaretoken": csrf}))
        with self.client.post(
            url, data=body, headers=FORM, name=name, catch_response=True, allow_redirects=False
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or not location.startswith(to):
                r.failure(f"{r.status_code} {location} {_form_error(r.text)}")
                return None
        return location

    def edit(self, url, name, field, changes, *, save, to, then):
        """Open a form, think, change some fields, send it, open the page it leads to."""
        form = form_with(self.page(url, name), field)
        if form is None:
            return
        self.wait()
        location = self.post(url, replaced(form["fields"], changes), save, to=to)
        if location:
            self.page(location, then)

    def pick(self, key):
        return self.rng.choice(self.me[key])


def _form_error(html):
    start = (html or "").find('class="invalid-feedback"')
    return html[start : start + 200] if start >= 0 else ""


class Director(Person):
    role = "director"
    fixed_count = len(PLAN["people"]["director"])
    actions = {
        "dashboard": 4,
        "draft": 3,
        "section": 3,
        "dossier": 2,
        "cluster": 1,
        "members": 1,
        "contract": 1,
        "call": 1,
        "save_section": 2,
        "login_again": 0.25,
    }

    def dashboard(self):
        self.page(self.me["dashboard"], "dashboard (director)")

    def draft(self):
        self.page(self.me["draft"], "draft dossier page")

    def section(self):
        self.page(self.pick("sections")["url"], "draft section page")

    def dossier(self):
        self.page(self.me["dossier"], "dossier page (director)")

    def cluster(self):
        self.page(self.me["cluster"], "cluster profile")

    def members(self):
        self.page(self.me["members"], "cluster members")

    def contract(self):
        if self.me["contract"]:
            self.page(self.me["contract"], "contract page (director)")
        else:
            self.dashboard()

    def call(self):
        self.page(self.me["call"], "public call page (open call)")

    def save_section(self):
        section = self.pick("sections")
        text = f"Section revue par {self.me['email']}, version {self.rng.randrange(10**6)}."
        self.edit(
            section["url"],
            "draft section page",
            "seen",
            {section["field"]: text},
            save="draft section save",
            to=self.me["draft"],
            then="draft dossier page",
        )

    def login_again(self):
        """Sign out, then in again with the password, as a director back the next day."""
        if not self.post(self.me["logout"], [], "sign out", to="/"):
            return
        login = self.me["login"]
        form = form_with(self.page(login, "login page"), "username")
        if form is None:
            return
        self.wait()
        fields = {"username": self.me["email"], "password": PLAN["password"]}
        location = self.post(login, replaced(form["fields"], fields), "sign in", to="/")
        if location:
            self.page(location, "dashboard (director)")


class Evaluator(Person):
    role = "evaluator"
    fixed_count = len(PLAN["people"]["evaluator"])
    actions = {"queue": 4, "to_score": 4, "scored": 2, "dashboard": 1, "save_review": 1.5}

    def queue(self):
        self.page(self.me["queue"], "evaluator queue")

    def to_score(self):
        self.page(self.pick("to_score"), "review page (to score)")

    def scored(self):
        self.page(self.pick("scored"), "review page (submitted)")

    def dashboard(self):
        self.page(self.me["dashboard"], "dashboard (evaluator)")

    def save_review(self):
        """A note and its justification on one criterion of the draft, kept as a draft."""
        url = self.pick("to_score")
        criterion = self.rng.choice(PLAN["criteria"])
        changes = {
            f"score_{criterion}": str(self.rng.randint(0, PLAN["scale_max"])),
            f"justification_{criterion}": f"Note justifiée ({self.rng.randrange(10**6)}).",
        }
        self.edit(
            url,
            "review page (to score)",
            "comment",
            changes,
            save="review draft save",
            to=url,
            then="review page (to score)",
        )


class Administrator(Person):
    role = "administrator"
    fixed_count = len(PLAN["people"]["administrator"])
    actions = {
        "dashboard": 1,
        "ranking": 2,
        "programme": 2,
        "calls": 1,
        "call": 1,
        "dossier": 3,
        "contract": 1,
        "ranking_csv": 0.2,
        "save_call": 1.2,
    }

    def dashboard(self):
        self.page(self.me["dashboard"], "dashboard (administrator)")

    def ranking(self):
        self.page(self.me["ranking"], "ranking, 250 rows")

    def programme(self):
        self.page(self.me["programme"], "programme dashboard")

    def calls(self):
        self.page(self.me["calls"], "calls (back office)")

    def call(self):
        self.page(self.me["call_detail"], "call (back office)")

    def dossier(self):
        self.page(self.pick("dossiers"), "dossier page (administrator)")

    def contract(self):
        self.page(self.pick("contracts"), "contract page (administrator)")

    def ranking_csv(self):
        self.page(self.me["ranking_csv"], "ranking CSV")

    def save_call(self):
        """The open call's presentation, reworded."""
        text = f"Appel du banc d'essai, présentation revue ({self.rng.randrange(10**6)})."
        self.edit(
            self.me["call_edit"],
            "call edit form",
            "description_fr",
            {"description_fr": text},
            save="call save",
            to=self.me["call_detail"],
            then="call (back office)",
        )
