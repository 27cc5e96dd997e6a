"""Forms of the official documents: issuing one, and HQ's wording of each kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.display.labels import LOCALE_NAMES
from tracker.documents.models import DOCUMENT_LANGUAGES, WORDING_LIMITS
from tracker.web.forms import Form, OneTime, SeenVersion


class IssueForm(OneTime, Form):
    """Which document (kind and record, as `choice_key` names them) and its language."""

    same_content_is_resent = False  # the same again once what it reads has changed

    document = SelectField(_l("Document"), choices=[], validators=[DataRequired()])
    language = SelectField(_l("Language of the document"), default="zh_CN",
                           choices=[(code, LOCALE_NAMES[code]) for code in DOCUMENT_LANGUAGES])

    no_choice = {"document": _l("No record of this project calls for an official document "
                                "yet: a decision at a gate, or the approved project's plan.")}

    def __init__(self, *args, offered: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document.choices = offered


def _pair(name: str, label: str, english: str, area: bool = False,
          required: bool = True) -> tuple:
    """The field of `name` in Chinese and in English, each held to its length
    (`WORDING_LIMITS`), said beside it."""
    field = TextAreaField if area else StringField
    limit = WORDING_LIMITS[name]
    checks = [DataRequired() if required else Optional(), Length(
        max=limit, message=_l("At most %(max)d characters: this has %(length)d."))]
    help_text = _l("At most %(n)d characters.", n=limit)
    return (field(label, validators=checks, description=help_text),
            # The English edition is English text on a Chinese page too: marked so, for
            # screen readers and for tests/test_admin_pages_say_what_for.py.
            field(english, validators=list(checks), description=help_text,
                  render_kw={"lang": "en"}))


class DocumentTemplateForm(OneTime, SeenVersion, Form):
    letterhead, letterhead_en = _pair(
        "letterhead", _l("Letterhead"), _l("Letterhead in English"))
    title, title_en = _pair("title", _l("Title"), _l("Title in English"))
    opening, opening_en = _pair("opening", _l("Opening paragraph"),
                                _l("Opening paragraph in English"), area=True, required=False)
    closing, closing_en = _pair("closing", _l("Closing sentence"),
                                _l("Closing sentence in English"), area=True, required=False)
    issuer, issuer_en = _pair("issuer", _l("Issued by"), _l("Issued by, in English"))

    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in (
            "letterhead", "letterhead_en", "title", "title_en", "opening", "opening_en",
            "closing", "closing_en", "issuer", "issuer_en")}
