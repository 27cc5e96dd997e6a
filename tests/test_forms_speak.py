"""Forms that speak and page furniture (issue #25, points 3 and 4), on every page each demo role
can reach and on each of its forms sent back empty: the walk of tests/test_language_walk.py,
whose test_every_page_and_form_speaks applies the checks of this module to it.

Every page: a skip link to the main content first, every posting form novalidate, no empty
table header, no section headed by its first field's own label (经费来源 over 经费来源), every
radio and checkbox group a fieldset whose legend names it, help text tied to its field, every
aria-describedby naming elements that exist. Every form sent back with errors: its title says
so, an error summary (role=alert, focused as the page loads) starts it, each entry a link to
the field it is about, every error the form shows in it, in the order of the page, and an
empty required field says it is required.
"""

from __future__ import annotations

import lxml.html

from tests.conftest import post

ERROR_TITLE = {"en": "Error:", "zh_CN": "错误："}
REQUIRED = {"en": "required", "zh_CN": "必填"}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def page_problems(page: str) -> list[str]:
    """What the furniture of one page lacks."""
    doc = lxml.html.fromstring(page)
    problems = []
    body = doc.find("body")
    first = next(iter(body), None)
    if first is None or first.get("class") != "skip-link" or first.get("href") != "#main":
        problems.append("the page does not start with a skip link to #main")
    if not doc.xpath('//main[@id="main"]'):
        problems.append("no <main id=main> for the skip link")
    ids = set(doc.xpath("//@id"))
    for form in doc.xpath("//form"):
        if form.get("method", "").lower() == "post" and form.get("novalidate") is None:
            problems.append(f"a form without novalidate: {form.get('action')}")
    for th in doc.xpath("//th"):
        if not _text(th):
            problems.append("an empty table header")
    for control in doc.xpath('//input[@type="radio" or @type="checkbox"]'):
        form = next(control.iterancestors("form"), None)
        name = control.get("name")
        group = form.xpath(f'.//input[@name="{name}"]') if form is not None else [control]
        if len(group) < 2 and control.get("type") == "checkbox":
            continue  # a single checkbox is named by its own label
        fieldset = next(control.iterancestors("fieldset"), None)
        legend = fieldset.find("legend") if fieldset is not None else None
        if legend is None or not _text(legend):
            problems.append(f"the choices of {name} are not a fieldset with a legend")
    for fieldset in doc.xpath("//fieldset[legend]"):
        # A section headed by its first field's own words: "经费来源" over "经费来源".
        first = fieldset.xpath("(.//label | .//fieldset/legend)[1]")
        if first and _text(first[0]).rstrip(" *") == _text(fieldset.find("legend")):
            problems.append(f"a section headed as its first field: {_text(first[0])}")
    for element in doc.xpath("//*[@aria-describedby]"):
        missing = [i for i in element.get("aria-describedby").split() if i not in ids]
        if missing:
            problems.append(f"aria-describedby names no element: {missing}")
    described = {i for e in doc.xpath("//@aria-describedby") for i in e.split()}
    for help_text in doc.xpath('//*[contains(@class, "field")]/p[@class="help"]'):
        if help_text.get("id") not in described:
            problems.append(f"help text not tied to its field: {_text(help_text)[:40]}")
    return problems


def sent_back_problems(page: str, locale: str) -> list[str]:
    """What a page answering a form sent back with errors lacks."""
    doc = lxml.html.fromstring(page)
    problems = []
    title = _text(doc.find(".//title"))
    if not title.startswith(ERROR_TITLE[locale]):
        problems.append(f"the title does not say there are errors: {title}")
    invalid = doc.xpath('//*[@aria-invalid="true"]') + doc.xpath(
        '//fieldset[contains(@class, "has-error")]/descendant::input[1]')
    if not invalid:
        if not doc.xpath('//*[@role="alert"]'):
            problems.append("a refusal not announced (role=alert)")
        return problems
    summary = doc.xpath('//*[contains(@class, "error-summary")]')
    if not summary:
        return [*problems, "no error summary"]
    summary = summary[0]
    if summary.get("role") != "alert" or summary.get("autofocus") is None:
        problems.append("the error summary is not an alert focused on load")
    order = {e: n for n, e in enumerate(doc.iter())}
    if any(order[e] < order[summary] for e in invalid):
        problems.append("a field with an error comes before the error summary")
    targets = {a.get("href")[1:] for a in summary.xpath(".//a[starts-with(@href, '#')]")}
    ids = {e.get("id"): e for e in doc.xpath("//*[@id]")}
    for target in targets:
        if target not in ids or ids[target].tag not in ("input", "select", "textarea"):
            problems.append(f"a summary link goes to no field: #{target}")
    links = [a.get("href")[1:] for a in summary.xpath(".//a[starts-with(@href, '#')]")]
    shown = [ids[t] for t in links if t in ids]
    if shown != sorted(shown, key=order.__getitem__):
        problems.append(f"the summary is not in the order of the page: {links}")
    said = _text(summary)
    form = next(summary.iterancestors("form"), None)
    for error in (form if form is not None else doc).xpath('.//*[@class="error"]'):
        if _text(error) not in said:
            problems.append(f"an error not in the summary: {_text(error)}")
    for field in invalid:
        if field.get("id") not in targets:
            problems.append(f"an error of {field.get('name')} is not in the summary")
        if field.get("required") is not None and field.get("value") in (None, ""):
            said = " ".join(_text(ids[i]) for i in field.get("aria-describedby", "").split()
                            if i in ids)
            if REQUIRED[locale] not in said:
                problems.append(f"empty required field {field.get('name')} says: {said}")
    return problems


def test_the_login_form_sent_back_speaks(client):
    response = post(client, "/login", {"email": "nobody@example.com", "password": "wrong"})
    assert response.status_code == 401
    assert sent_back_problems(response.get_data(as_text=True), "en") == []
    response = post(client, "/login", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sent_back_problems(page, "en") == [] and page_problems(page) == []
