"""Full-width ASCII, as a Chinese input method types it, is read in its usual form in every
code, credit code, e-mail, number and date, by the import and the forms alike; a name stays as
written (issue 13: an institute code ＳＩＴＩ－ＡＩ was stored as typed, then no user's
SITI-AI found it and a file giving SITI-AI made a second institute; ９１３１… and
２０２１／３／５ were refused)."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.factories import make_hq, make_user, uscc_for
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role, User
from tracker.contracts.forms import TermsForm
from tracker.imports.columns import CONTRACTS
from tracker.imports.models import ImportState
from tracker.names import half_width
from tracker.organisations.forms import InstituteForm
from tracker.organisations.models import Enterprise, Institute


def _wide(text: str) -> str:
    """`text` typed full width."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_codes_dates_and_e_mails_typed_full_width_are_read_as_usual_and_names_as_written():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    institutes = [["代码", "名称", "研究领域", "类型", "成立日期"],
                  [_wide("SITI-AI"), "上海ＡＩ研究所", "人工智能", "joint", _wide("2021/3/5")]]
    first = run(admin, "institutes", institutes)
    assert (first.state, first.created) == (ImportState.DONE, 1), first.errors
    institute = db.session.scalar(select(Institute))
    assert (institute.code, institute.name, institute.founded_on.isoformat()) == (
        "SITI-AI", "上海ＡＩ研究所", "2021-03-05")
    # The same institute, however its code is typed: not a second one.
    again = run(admin, "institutes", [institutes[0], ["SITI-AI", *institutes[1][1:]]])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    users = run(admin, "users", [["E-mail", "Full name", "Institute code"],
                                 [_wide("Li.Qiang@SITI.cn"), "李强", _wide("SITI-AI")]])
    assert (users.state, users.created) == (ImportState.DONE, 1), users.errors
    user = db.session.scalar(select(User).where(User.id != admin.id))
    assert (user.email, user.institute_id) == ("li.qiang@siti.cn", institute.id)
    code = uscc_for(7)
    enterprises = run(admin, "enterprises", [["Name", "Unified social credit code",
                                              "High-tech enterprise"],
                                             ["上海芯微", _wide(code), _wide("2019")]])
    assert (enterprises.state, enterprises.created) == (ImportState.DONE, 1), enterprises.errors
    assert db.session.scalar(select(Enterprise.uscc)) == code


def test_the_institute_form_reads_a_code_typed_full_width_as_usual(app):
    with app.test_request_context(), force_locale("zh_CN"):
        form = InstituteForm(formdata=MultiDict({"code": _wide("SITI-AI")}))
        assert form.code.data == "SITI-AI"


def test_half_width_folds_ascii_only():
    assert half_width("ＳＩＴＩ－ＡＩ　９１３１，（元）研究所、①㎡") == (
        "SITI-AI 9131,(元)研究所、①㎡")


def test_a_contract_number_typed_full_width_is_read_as_usual(app):
    """A contract's number is a code too (found by it in its institute, migration 0114 converts
    those stored before): in an import's cell and in the contract's form alike."""
    assert CONTRACTS.column("number").as_typed(_wide(" RB-2019-07 "), False) == "RB-2019-07"
    with app.test_request_context(), force_locale("zh_CN"):
        form = TermsForm(formdata=MultiDict({"number": _wide("RB-2019-07")}))
        assert form.number.data == "RB-2019-07"
