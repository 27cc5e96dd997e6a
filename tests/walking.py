"""A person's browser walking the app, for tests/test_review_walk.py: each page reached is
checked for the other language (tests/test_language_walk.py's check, on what people typed
too) and, on history pages, for codes where labels belong; each form it offers is posted as
the page fills it, in a savepoint rolled back, and must answer neither 409 (a form is offered
only when its action is possible: issue 9 point 6) nor 500."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from tests.test_language_walk import (
    HAN,
    HISTORY,
    NOT_SENT,
    entered,
    leaks,
    sign_in,
    texts,
    typed_in_history,
)
from tracker import db

# What the code would print, never a reader, on an English page: a column name or an audit
# action's code (milestone.accept). Chinese pages are held to no Latin word at all.
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z]+(?:_[a-z]+)*\b")

class _Forms(HTMLParser):
    """The POST forms of a page: each one's action and what a browser would send untouched
    (hidden and filled fields, the checked boxes, the selected options, the text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, MultiDict]] = []
        self._form: MultiDict | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = MultiDict()
            self.forms.append((html.unescape(a.get("action") or ""), self._form))
        elif self._form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form.add(a["name"], a.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form.add(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = (a["name"], [], [])
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.add(a["name"], "")

    def _option(self, a: dict) -> None:
        value = a.get("value") or ""
        self._select[1].append(value)
        if "selected" in a:
            self._select[2].append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form.setlist(self._textarea, [self._form.get(self._textarea, "") + data])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            for value in selected or options[:1]:
                self._form.add(name, value)
            self._select = None


def forms_of(page: str) -> list[tuple[str, MultiDict]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class Walker:
    """One person's browser in one language: each page they reach is checked, and each form it
    offers is posted as the page fills it, then rolled back."""

    def __init__(self, app, connection, email: str, locale: str, typed: list[str]) -> None:
        self.app, self.connection, self.locale = app, connection, locale
        self.client = sign_in(app, email, locale)
        self.demo = entered()
        self.demo_history = self.demo + typed_in_history()
        self.typed = typed  # what the walk's people typed, in Chinese: shown as they typed it

    @property
    def names(self) -> list[str]:
        return sorted(self.demo + self.typed, key=len, reverse=True)

    @property
    def history_names(self) -> list[str]:
        return sorted(self.demo_history + self.typed, key=len, reverse=True)

    def look(self, path: str, status: int = 200) -> str:
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return self.check(path, response.get_data(as_text=True))

    def check(self, path: str, page: str) -> str:
        """The page in one language, with no code where a label belongs; every form it offers
        posts without a refusal."""
        history = HISTORY.search(path)
        found = leaks(page, self.locale, self.history_names if history else self.names)
        assert not found, f"{path} in {self.locale}: {sorted(set(found))}"
        if history:
            words = [w for t in texts(page) for w in CODE.findall(t)
                     if not any(w in name for name in self.history_names)]
            assert not words, f"{path}: codes where labels belong: {words}"
        self.probe(path, page)
        return page

    def probe(self, path: str, page: str) -> None:
        """Each form the page offers, sent as filled, in a savepoint rolled back: never 409 nor
        500 (a 400 says what the user has to fill in). The client's cookie is kept as it was
        (the flash of a probe is not the walk's)."""
        cookie = self.app.config["SESSION_COOKIE_NAME"]
        for action, data in forms_of(page):
            target = urlsplit(action or path).path
            if NOT_SENT.search(target):
                continue
            kept = self.client.get_cookie(cookie)
            # The session's own savepoint, if the test has one open, ends before ours begins:
            # rolled back, it would take ours with it.
            db.session.remove()
            savepoint = self.connection.begin_nested()
            try:
                response = self._post(target, data)
            finally:
                db.session.remove()
                savepoint.rollback()
                self.client.set_cookie(cookie, kept.value)
            assert response.status_code not in (409, 500), (
                f"{path} offers a form to {target} that answers {response.status_code}: "
                + " | ".join(texts(response.get_data(as_text=True)))[:1500])

    def _post(self, path: str, data: MultiDict):
        data = MultiDict(data)
        data.setlist("csrf_token", [csrf_token(self.client)])
        return self.client.post(path, data=data)

    def send(self, page: str, action: str, fields: dict | None = None, status: int = 302,
             path: str = ""):
        """The form of `page` posting to `action`, filled with `fields` over what the page
        put in it: it must be offered; answers `status`. A form without an action posts to
        the page it is on: `path`, by default the action itself (a form's own page)."""
        path = path or action
        offered = [data for target, data in forms_of(page)
                   if urlsplit(target or path).path == action]
        assert offered, f"no form to {action} on the page: {[t for t, _ in forms_of(page)]}"
        data = MultiDict(offered[0])
        for name, value in (fields or {}).items():
            data.setlist(name, value if isinstance(value, list) else [str(value)])
            if isinstance(value, str) and HAN.search(value):
                self.typed.append(value)
        response = self._post(action, data)
        answer = response.get_data(as_text=True)
        assert response.status_code == status, (
            action, response.status_code, " | ".join(texts(answer))[:2000])
        if status != 302:
            self.check(action, answer)
        return response

    def histories(self, page: str, path: str) -> None:
        """The history pages `page` links to, each read and checked."""
        links = {urlsplit(html.unescape(link)).path
                 for link in re.findall(r'href="(/history/[^"#]*)"', page)}
        assert links, f"{path} links to no history"
        for link in sorted(links):
            self.look(link)

    def refused(self, response, back: str) -> None:
        """A refusal (409) links back to the page of its object (issue 9 point 6), not only
        to the home page: `back`, that object's page (for a page shown again above the form
        as sent, `tracker.web.actions.submit`, its project's), not any project's."""
        assert response.status_code == 409
        assert f'href="{back}"' in response.get_data(as_text=True), back

    def follow(self, response) -> str:
        """The page a successful POST leads to, checked."""
        return self.look(urlsplit(response.headers["Location"]).path
                         + (f"?{urlsplit(response.headers['Location']).query}"
                            if urlsplit(response.headers["Location"]).query else ""))


def link(page: str, pattern: str) -> str:
    """The first link of `page` whose address matches `pattern`."""
    found = re.findall(f'href="({pattern})"', page)
    assert found, f"no link like {pattern}"
    return html.unescape(found[0])
