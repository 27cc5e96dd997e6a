"""A `can_<verb>(user)` predicate says WHO may act; a `<verb>_refusal()` says WHEN the record's
state refuses it (issue 11 point 2, issue 9 point 6). A predicate that reads the state answers
403 (or hides a form) where its doer should hear 409 naming the state, and a page that offers a
form by it says nothing of why it is gone.

This scan reads every `can_*` function of tracker/ (and the helpers they call for who someone
is to the record) and fails when it names anything but who: the user's roles and relations,
the ids and many-to-one relationships that lead to the record's owner, other predicates. Any
other name (a state, a phase, a date, `is_void`, `reversed_by`, a `*_refusal`) is the record's
state. A predicate that must read it, because what may be read depends on it, is listed in
`READS_STATE` with the reason.
"""

from __future__ import annotations

import ast
import builtins
import re
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy.orm.interfaces import MANYTOONE

from tests.source import modules, nodes
from tests.source import tree as parsed
from tracker.accounts.models import Role
from tracker.db import Base

pytestmark = pytest.mark.no_db  # reads the source and the mappers only

ROOT = Path(__file__).resolve().parents[1]

# Who someone is, read on the user (their roles and the records they stand for).
USER = {"is_hq_admin", "has_role", "sees_whole_portfolio", "directed_institute_ids",
        "liaised_centre_ids", "is_authenticated", "is_limited", "is_external_expert",
        "is_enterprise_contact", "REVIEWING_ROLES"}
# Who someone is to a record, read on the record: its people (a project's confirmed team, its
# former PMs, a review's panel, an achievement's contributors), and the record it belongs to
# (`subject`: an obligation's agreement or contract; `projects`: a company's).
RELATIONS = {"member_ids", "handovers", "panel", "contributors", "projects", "subject"}
# Helpers the predicates call to say who someone is to the record; scanned as predicates are.
HELPERS = {"stake_of", "member", "decides", "holds_terms", "writes_report", "contributor_of",
           "signs"}

# Predicates that read the record's state because what someone may READ depends on it, and a
# read has no refusal to say instead (the page is not theirs at all).
READS_STATE = {
    "tracker/assessment/models.py:AssessmentYear.can_view_ranking":
        "directors read every institute's ranking once HQ published it; before, it is not "
        "theirs to read",
    "tracker/projects/models.py:Project.can_review_material":
        "an evaluator reads the project's material while the review they sit on is open (and "
        "the chair while its conditions are to clear): the access ends with the review",
    "tracker/gates/models.py:GateReview.can_see_material":
        "a panel member reads the material once they declared no conflict; an external expert "
        "while the review is open only",
    "tracker/files/models.py:StoredFile.can_download":
        "a milestone's reviewer downloads its evidence while it waits for their review "
        "(`Milestone.reads_evidence`); a file follows the reading rule of what holds it",
    "tracker/approvals/models.py:ApprovalRequest.can_view":
        "a delegate reads the request they may sign while their delegation runs on that day",
    "tracker/approvals/models.py:ApprovalRequest.signs":
        "whoever is asked to sign at a level (its steps' approvers and signers), and a delegate "
        "while their delegation runs on that day: who stands in for whom, by date",
    "tracker/documents/models.py:OfficialDocument.can_view":
        "who reads a document follows its kind (a review opinion form names every expert's "
        "scores): what the document is, not a state it moves through",
    "tracker/changes/models.py:ChangeRequest.decides":
        "whose decision a change is follows its kind (a handover is also the director's): "
        "what the change is, never a state it moves through",
    "tracker/reminders/models.py:OutboxMessage.can_open":
        "a notice is its recipient's (`recipient_id`, a plain column: the outbox keeps no "
        "foreign key) and only an event's notice is opened from the inbox: what the message "
        "is, never a state it moves through",
    "tracker/approvals/services.py:can_delegate":
        "asks the database whether an approval level names the user: a relation, read by a "
        "query rather than an attribute",
}

# Predicates found reading the state and not yet split into who + when: each line goes when its
# predicate is split (the test fails while a line names one that no longer reads state).
STILL_TO_SPLIT: set[str] = set()


def _who_names() -> set[str]:
    """The names a predicate may read: builtins, the user and Role's members, the model classes,
    foreign keys and many-to-one relationships (the way to the record's owner), `id`."""
    names = set(dir(builtins)) | {"self", "user", "id", "Role"} | {r.name for r in Role}
    names |= USER | RELATIONS | HELPERS
    for mapper in Base.registry.mappers:
        names.add(mapper.class_.__name__)
        names |= {column.key for column in mapper.columns if column.foreign_keys}
        names |= {r.key for r in mapper.relationships if r.direction is MANYTOONE}
    return names


def _read(function: ast.FunctionDef) -> set[str]:
    """The names `function`'s body reads, less its parameters and what it binds itself
    (comprehension variables, locals)."""
    params = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
    read, bound = set(), set()
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Attribute):
                read.add(node.attr)
            elif isinstance(node, ast.Name):
                (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
    return {name for name in read - params - bound if not name.startswith("can_")}


def _predicates():
    """Each `can_*` function of tracker/ and each helper of HELPERS, by `path:Class.name`."""
    for path in modules():
        tree = parsed(path)
        owners = [(None, node) for node in tree.body] + [
            (cls.name, node) for cls in tree.body if isinstance(cls, ast.ClassDef)
            for node in cls.body]
        for owner, node in owners:
            if isinstance(node, ast.FunctionDef) and (node.name.startswith("can_")
                                                      or node.name in HELPERS):
                name = f"{owner}.{node.name}" if owner else node.name
                yield f"{path.relative_to(ROOT).as_posix()}:{name}", node


def test_every_permission_predicate_says_who_not_when(app):
    who = _who_names()
    reading = {key: sorted(_read(function) - who) for key, function in _predicates()}
    reads_state = {key for key, names in reading.items() if names}
    unexplained = {key: reading[key] for key in reads_state - set(READS_STATE)
                   - STILL_TO_SPLIT}
    assert unexplained == {}, (
        "these predicates read the record's state (say it in a *_refusal instead)")
    assert sorted((set(READS_STATE) | STILL_TO_SPLIT) - reads_state) == [], (
        "listed as reading state, but no longer do (or are gone): take their lines out")


def test_the_scan_finds_a_predicate_that_reads_state(app):
    """The scan's own check: a predicate reading a milestone's state, a void mark or a phase is
    found; one reading the user's roles and the record's people is not."""
    source = '''
class Milestone:
    def can_edit(self, user):
        return user.id == self.project.pm_id and self.state is MilestoneState.PLANNED
    def can_void(self, user):
        return user.is_hq_admin and not self.is_void
    def can_record(self, user):
        return any(m == user.id for m in self.project.member_ids) or user.has_role(Role.OBSERVER)
'''
    functions = [node for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.FunctionDef)]
    found = {f.name: sorted(_read(f) - _who_names()) for f in functions}
    assert found == {"can_edit": ["MilestoneState", "PLANNED", "state"],
                     "can_void": ["is_void"], "can_record": []}


# What a role is read by instead of a predicate (tests/test_views_shape.py's ROLE_READS, and the
# user's HQ-wide and director's views).
ROLE_READS = {"is_hq_admin", "is_external_expert", "is_enterprise_contact", "is_limited",
              "has_role", "sees_whole_portfolio", "directed_institute_ids"}


def _refuses(statements: list[ast.stmt]) -> bool:
    """Whether `statements` refuse the user: raise Forbidden, or abort with 403 or 404."""
    for node in (n for statement in statements for n in ast.walk(statement)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if getattr(raised, "id", getattr(raised, "attr", "")) == "Forbidden":
                return True
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "abort"
                and node.args and getattr(node.args[0], "value", None) in (403, 404)):
            return True
    return False


def _reads_who(test: ast.expr) -> bool:
    """Whether `test` reads who someone is: a role (`ROLE_READS`), a relation helper of the
    record (`HELPERS`: `stake_of`, `member` ...), or a person's id compared (`actor.id !=
    project.pm_id`), which is what the predicates are made of."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in ROLE_READS | HELPERS:
            return True
        if isinstance(node, ast.Compare) and any(
                isinstance(side, ast.Attribute) and side.attr == "id"
                and isinstance(side.value, ast.Name) and side.value.id.islower()
                for side in (node.left, *node.comparators)):
            return True
    return False


def role_refusals(path: Path) -> list[int]:
    """The lines of `path` where a condition reading a role, a relation or a person's id
    refuses the user: a rule of who written again outside the predicates (the page's
    `requires` asked one, its service read `is_hq_admin` itself: the two could part)."""
    return [node.lineno for node in nodes(path)
            if isinstance(node, ast.If) and _reads_who(node.test) and _refuses(node.body)]


def test_no_service_refuses_by_reading_a_role_itself():
    """Found in session 27: the gate templates' page asked GateTemplate.can_configure and their
    service `actor.is_hq_admin`; the imports' page ImportRun.can_import and the imported
    submission, decision and bulk rows `is_hq_admin`; the settings' page and service each read
    the role, with no predicate at all. Each asks the page's predicate now. Found in session 28:
    a milestone's review compared the reviewer's id and asked `stake_of` where
    `Milestone.can_review` says both; a proposal's submission compared the PM's id; an approval's
    signature the applicant's."""
    found = [f"{path.relative_to(ROOT).as_posix()}:{line}"
             for path in modules()
             if not path.name.endswith("models.py") for line in role_refusals(path)]
    assert found == [], "ask the model's can_<verb>(user), as the page does"


def test_the_role_scan_finds_a_service_refusing_by_a_role(tmp_path):
    (tmp_path / "services.py").write_text(
        "def save(actor):\n    if not actor.is_hq_admin:\n        raise Forbidden()\n"
        "def view(user):\n    if user.has_role(Role.OBSERVER) and x:\n        abort(403)\n"
        "def shown(user):\n    if user.is_hq_admin:\n        return 1\n"
        "def asked(actor):\n    if not GateTemplate.can_configure(actor):\n"
        "        raise Forbidden()\n"
        "def review(actor, m):\n    if actor.id != m.reviewer_id:\n        raise Forbidden()\n"
        "    if m.project.stake_of(actor):\n        raise Forbidden(_('A stake.'))\n"
        "def listed(q):\n    if Record.id == q.record_id:\n        abort(404)\n",
        encoding="utf-8")
    assert role_refusals(tmp_path / "services.py") == [2, 5, 14, 16]


def refusals_reading_a_role(path: Path) -> list[str]:
    """The `*_refusal` functions of `path` that read a role themselves (`ROLE_READS`): a rule
    of who inside the rule of when, which a predicate no longer says."""
    return [node.name for node in nodes(path) if isinstance(node, ast.FunctionDef)
            and node.name.endswith(("_refusal", "_refusals"))
            and {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)} & ROLE_READS]


def test_no_refusal_reads_a_role_itself():
    """Found in session 28: an evidence entry's `withdrawal_refusal` read `is_hq_admin` for
    who withdraws an accepted entry, beside `EvidenceEntry.can_withdraw`, which read it too;
    both ask `EvidenceEntry.can_withdraw_accepted` now."""
    found = [f"{path.relative_to(ROOT).as_posix()}:{name}" for path in modules()
             for name in refusals_reading_a_role(path)]
    assert found == [], "ask the model's can_<verb>(user) inside the refusal"


def test_the_refusal_scan_finds_a_role_read(tmp_path):
    (tmp_path / "corrections.py").write_text(
        "def withdrawal_refusal(entry, user):\n    return None if user.is_hq_admin else 'no'\n"
        "def edit_refusal(entry, user):\n    return None if entry.can_edit(user) else 'no'\n",
        encoding="utf-8")
    assert refusals_reading_a_role(tmp_path / "corrections.py") == ["withdrawal_refusal"]


def _page_rules() -> list[tuple[str, str]]:
    """(module, rule) of each `@requires(rule)` of tracker/."""
    found = []
    for path in modules():
        for node in nodes(path):
            if isinstance(node, ast.FunctionDef):
                found += [(path.relative_to(ROOT).as_posix(), ast.unparse(d.args[0]))
                          for d in node.decorator_list if isinstance(d, ast.Call)
                          and getattr(d.func, "id", "") == "requires" and d.args]
    return found


def test_every_page_rule_is_a_model_s_predicate():
    """A page's `requires` names a model's predicate (or the account's `User.is_hq_admin`), so
    that templates, services and the menu ask the same: the PM register's rule was a function of
    its views module, and the record's page wrote it again in Jinja (`can_see_register(...) or
    current_user.directed_institute_ids`) around its link to the register."""
    rules = _page_rules()
    assert len(rules) > 100
    assert [(module, rule) for module, rule in rules
            if not re.fullmatch(r"[A-Z]\w*\.(can_\w+|is_hq_admin)", rule)] == []


def _raises(statements: list[ast.stmt], error: str) -> ast.expr | None:
    """What `statements` raise when they are one `raise <error>(...)` (or bare `<error>`)."""
    if len(statements) == 1 and isinstance(statements[0], ast.Raise):
        raised = statements[0].exc
        if getattr(getattr(raised, "func", raised), "id", "") == error:
            return raised
    return None


def who_then_when_by_hand(path: Path) -> list[int]:
    """The lines of `path` where `if <who>: raise Forbidden(...)` (whatever it says) is followed
    by `if <when>: raise Refused(...)`: the order of the two, written out again instead of
    asked of `tracker.errors.require`, whether the when is a `*_refusal` (`if (said :=
    <when>) ...: raise Refused(said)`) or the state read there and said inline (`if
    token.revoked_at is not None: raise Refused(_("..."))`, a rule the page cannot ask)."""
    found = []
    for node in nodes(path):
        body = getattr(node, "body", None)
        for first, second in pairwise(body) if isinstance(body, list) else ():
            if (isinstance(first, ast.If) and isinstance(second, ast.If) and not first.orelse
                    and _raises(first.body, "Forbidden") is not None
                    and _raises(second.body, "Refused") is not None):
                found.append(first.lineno)
    return found


def test_who_then_when_is_asked_in_one_place():
    """Found in session 27: 31 services wrote the two checks out, 4 lines each, in that order
    (who first, so that someone who may not act hears nothing of the record's state). Found in
    session 28: seven more the scan missed, whose `Forbidden` said a sentence, whose refusal
    had another name, or whose who was two predicates joined in the service; then six whose
    when was the state read and said inline, no `*_refusal` for the page to ask (a token's
    revocation, a payment on a voided contract, a signature of a request no longer pending,
    evidence of a computed indicator, an expert's account twice)."""
    found = [f"{path.relative_to(ROOT).as_posix()}:{line}"
             for path in sorted((ROOT / "tracker").rglob("*.py"))
             if path != ROOT / "tracker" / "errors.py"  # require itself
             for line in who_then_when_by_hand(path)]
    assert found == [], "require(record.can_<verb>(actor), lambda: <verb>_refusal(record))"


def test_the_who_then_when_scan_finds_the_pair(tmp_path):
    (tmp_path / "services.py").write_text(
        "def submit(actor, m):\n    if not m.can_manage(actor):\n        raise Forbidden()\n"
        "    if (said := submit_refusal(m)) is not None:\n        raise Refused(said)\n"
        "    require(m.can_manage(actor), lambda: submit_refusal(m))\n"
        "def decide(actor, r):\n    if not r.can_decide(actor) or not r.can_view(actor):\n"
        "        raise Forbidden(_('Only the chair.'))\n"
        "    if refusal := decide_refusal(r):\n        raise Refused(refusal)\n"
        "def version(actor, r):\n    if not r.can_decide(actor):\n        raise Forbidden()\n"
        "    if r.version != 3:\n        raise Refused(_('Reload.'))\n", encoding="utf-8")
    assert who_then_when_by_hand(tmp_path / "services.py") == [2, 8, 13]
