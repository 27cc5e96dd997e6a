"""What HQ does to budget templates, and the checks a budget by a template must pass (the
proposal, the projects import and change control all call them)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from tracker import db
from tracker.audit import services as audit
from tracker.budgets import caps
from tracker.budgets.defaults import default_template
from tracker.budgets.models import BudgetCategory, BudgetTemplate, CostKind, IndirectRule
from tracker.display.formatting import money
from tracker.display.said import listed
from tracker.errors import Forbidden, Problems
from tracker.money import ZERO
from tracker.names import typed_code
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User

CODE_MAX, NAME_MAX = 20, 100


# --- a budget by a template -------------------------------------------------------------------


def lines_over_total(allocated: Decimal, total: Decimal) -> str | None:
    """What budget lines adding up to `allocated` say when they do not fit in the project's
    `total` (None when they do): one rule, one sentence, for the proposal's form (beside its
    lines) and for a change of the total or a plan applied (beside the total, or refused)."""
    if allocated <= total:
        return None
    return _("The budget lines add up to %(lines)s, more than the total of %(total)s.",
             lines=money(allocated), total=money(total))


def rule_text(template: BudgetTemplate) -> str:
    """The template's cap on indirect costs, in words, as the forms show it beside the budget."""
    if template.indirect_rule is IndirectRule.NONE:
        return _("This template sets no cap on indirect costs.")
    if template.indirect_rule is IndirectRule.FLAT:
        return _("Indirect costs: at most %(pct)s%% of the direct costs less equipment "
                 "purchase.", pct=f"{template.flat_pct:g}")
    (first, first_pct), (second, second_pct), (_last, last_pct) = caps.national_tiers()
    return _("Indirect costs: at most %(first_pct)s%% of the direct costs less equipment "
             "purchase up to %(first)s, %(second_pct)s%% of the part up to %(second)s, "
             "%(last_pct)s%% of the part above.", first_pct=f"{first_pct:g}",
             first=money(first), second_pct=f"{second_pct:g}", second=money(second),
             last_pct=f"{last_pct:g}")


def cap_field(category: BudgetCategory) -> str:
    """The field a problem about a category's amount stands beside (`ProjectForm.show_error`
    finds the row; the import, its column)."""
    return f"budget_lines.{category.code}"


def by_category(template: BudgetTemplate, lines: Sequence[tuple[str, Decimal]],
                problems: Problems) -> dict[int, Decimal]:
    """The amounts given per category of `template`: each line names a category by its code
    or either of its names; a line naming none, or one named twice, is a problem."""
    amounts: dict[int, Decimal] = {}
    named: dict[str, BudgetCategory] = {}  # each name to the first category it names
    for category in template.categories:
        for known in category.names():
            named.setdefault(known, category)
    for name, amount in lines:
        category = named.get(name.strip().casefold())
        if category is None:
            problems.add("budget_lines", _(
                "“%(name)s” is not a category of the budget template %(template)s: %(names)s.",
                name=name, template=template.name,
                names=listed(c.shown("name") for c in template.categories)))
        elif category.id in amounts:
            problems.add("budget_lines", _("“%(name)s” is given twice.",
                                           name=category.shown("name")))
        else:
            amounts[category.id] = amount
    return amounts


def check_cap(template: BudgetTemplate, amounts: dict[int, Decimal], problems: Problems,
              field: str | None = None) -> caps.BudgetFigures:
    """A problem beside the indirect costs (or `field`) when they exceed the template's cap."""
    figures = caps.figures(template, amounts)
    if figures.over_cap and figures.cap is not None:
        category = caps.first_indirect(template)
        problems.add(field or (cap_field(category) if category else "budget_lines"), _(
            "Indirect costs of %(indirect)s are above their cap of %(cap)s (on direct costs "
            "less equipment purchase of %(base)s) by %(over)s.",
            indirect=money(figures.indirect), cap=money(figures.cap),
            base=money(figures.base), over=money(figures.over_cap)))
    return figures


def project_amounts(project: Project) -> dict[int, Decimal]:
    return {line.category_id: line.amount for line in project.budget_lines
            if line.category_id is not None}


def proposal_template(values: dict, project: Project | None,
                      problems: Problems) -> BudgetTemplate | None:
    """The template a proposal's budget follows: the one given (`budget_template_id`), else
    the project's, else for a new proposal the default. None (given so) leaves the lines free:
    a project recorded before templates, or an old one imported; a project that follows a
    template keeps following one."""
    if "budget_template_id" not in values:
        values["budget_template_id"] = (project.budget_template_id if project is not None
                                        else default_template().id)
    template_id = values["budget_template_id"] or None
    values["budget_template_id"] = template_id
    current = project.budget_template_id if project is not None else None
    if template_id is None:
        if current is not None:
            problems.add("budget_template_id", _("Choose a budget template."))
        return None
    # An id no row can have (a number past the database's integer) is no template either.
    template = (db.session.get(BudgetTemplate, template_id) if 0 < template_id < 2**31
                else None)
    if template is None or not (template.active or template.id == current):
        problems.add("budget_template_id", _("Choose one of the budget templates offered."))
        return None
    return template


def planned_lines(template_id: int | None, budget_lines: Sequence[tuple[str, Decimal]],
                  ) -> list[tuple[str, int | None, Decimal]]:
    """The lines a budget is kept in, as (name, category id, amount): by a template, one per
    category (its Chinese name; nothing where none was given); else the lines as given. The
    proposal and the bulk import write the same."""
    template = db.session.get(BudgetTemplate, template_id) if template_id else None
    if template is None:
        return [(c.strip(), None, a) for c, a in budget_lines]
    amounts = by_category(template, budget_lines, Problems())  # checked before
    return [(c.name, c.id, amounts.get(c.id, ZERO)) for c in template.categories]


def kept_lines(template_id: int | None, budget_lines: Sequence[tuple[str, Decimal]],
               ) -> list[tuple[str, Decimal]]:
    """The lines as a project keeps them and reads them back (`planned_lines`, less a
    template's categories at nothing): whichever of a category's names or its code a line
    named it by, and in whatever order, it is the same budget (the import compares a row's
    lines with the project's so). Lines naming what the template has not are left as given,
    for the proposal's check to refuse."""
    template = db.session.get(BudgetTemplate, template_id) if template_id else None
    if template is not None:
        problems = Problems()
        by_category(template, budget_lines, problems)
        if problems:
            return list(budget_lines)
    return [(name, amount) for name, category_id, amount
            in planned_lines(template_id, budget_lines) if amount or category_id is None]


def find_code(code: str) -> int | None:
    """The id of the template of `code` (any case): what the projects import names."""
    return db.session.scalar(select(BudgetTemplate.id).where(
        func.lower(BudgetTemplate.code) == (typed_code(code) or "").lower()))


# --- HQ keeps the templates -------------------------------------------------------------------


def in_use(template: BudgetTemplate) -> bool:
    return template.id is not None and bool(db.session.scalar(
        select(func.count()).select_from(Project).where(
            Project.budget_template_id == template.id)))


def described_categories(categories: Sequence[BudgetCategory]) -> list[list[Any]]:
    return [[c.code, c.name, c.name_en, c.kind.value, c.is_equipment] for c in categories]


def _checked_categories(rows: list[dict[str, Any]], problems: Problems) -> list[BudgetCategory]:
    """New category rows, in order; each problem beside its row (`categories.<i>.<key>`)."""
    checked: list[BudgetCategory] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        field = f"categories.{i}."
        code = typed_code(row.get("code")) or ""
        name = (row.get("name") or "").strip()
        kind = row.get("kind")
        if not code:
            problems.add(field + "code", _("Give the category a code."))
        elif len(code) > CODE_MAX:
            problems.add(field + "code", _("At most %(n)d characters.", n=CODE_MAX))
        elif code.casefold() in seen:
            problems.add(field + "code", _("“%(code)s” is used twice.", code=code))
        seen.add(code.casefold())
        if not name:
            problems.add(field + "name", _("Give the category its Chinese name."))
        is_equipment = bool(row.get("is_equipment"))
        if is_equipment and kind is CostKind.INDIRECT:
            problems.add(field + "is_equipment",
                         _("Equipment purchase is a direct cost."))
        checked.append(BudgetCategory(
            position=i, code=code, name=name, name_en=(row.get("name_en") or "").strip() or None,
            kind=kind, is_equipment=is_equipment))
    if not rows:
        problems.add("categories", _("A template needs at least one category."))
    elif not any(c.kind is CostKind.DIRECT for c in checked):
        problems.add("categories", _("A template needs at least one category of direct costs."))
    return checked


def save_template(actor: User, template: BudgetTemplate, *, code: str, funder: str,
                  funder_en: str | None, edition: str, indirect_rule: IndirectRule,
                  flat_pct: Decimal | None, is_default: bool, active: bool,
                  categories: list[dict[str, Any]]) -> BudgetTemplate:
    """Create (`template` new, not in the session) or change a template, every problem at once.

    Once a project follows the template its categories are fixed (their names may still be
    corrected): the project's lines point at them. A changed form is a new edition. Making a
    template the default takes the mark from the previous one; the default stays active.
    """
    if not BudgetTemplate.can_configure(actor):
        raise Forbidden()
    problems = Problems()
    code, funder, edition = typed_code(code) or "", (funder or "").strip(), (edition or "").strip()
    if not code:
        problems.add("code", _("Give the template a code (imports name it by it)."))
    elif db.session.scalar(select(BudgetTemplate.id).where(
            func.lower(BudgetTemplate.code) == code.lower(),
            BudgetTemplate.id != (template.id or 0))):
        problems.add("code", _("Another template has this code."))
    if not funder:
        problems.add("funder", _("Name the funder."))
    if not edition:
        problems.add("edition", _("Name the edition (the document that set the form)."))
    elif funder and db.session.scalar(select(BudgetTemplate.id).where(
            BudgetTemplate.funder == funder, BudgetTemplate.edition == edition,
            BudgetTemplate.id != (template.id or 0))):
        problems.add("edition", _("This funder has a template of this edition already."))
    if indirect_rule is IndirectRule.FLAT:
        if flat_pct is None or not ZERO <= flat_pct <= 100:
            problems.add("flat_pct", _("Give the percentage, from 0 to 100."))
    else:
        flat_pct = None
    if template.is_default and not is_default:
        problems.add("is_default", _("Make another template the default instead: one always "
                                     "is."))
    if is_default and not active:
        problems.add("active", _("The default template stays offered."))
    rows = _checked_categories(categories, problems)
    used = in_use(template)
    if used and [(c.code, c.kind, c.is_equipment) for c in rows] != [
            (c.code, c.kind, c.is_equipment) for c in template.categories]:
        problems.add("categories", _(
            "Projects follow this template: its categories stay as they are (their names may "
            "be corrected). Add a new edition for a changed form."))
    problems.raise_any()

    creating = template.id is None
    if is_default and not template.is_default:
        db.session.execute(update(BudgetTemplate).where(BudgetTemplate.is_default)
                           .values(is_default=False, version=BudgetTemplate.version + 1))
    template.code, template.funder, template.edition = code, funder, edition
    template.funder_en = (funder_en or "").strip() or None
    template.indirect_rule, template.flat_pct = indirect_rule, flat_pct
    template.is_default, template.active = is_default, active
    changes = audit.pending_changes(template)
    before = [] if creating else described_categories(template.categories)
    after = described_categories(rows)
    if before != after:
        if used:  # the same rows, renamed: keep them (lines point at them)
            for kept, given in zip(template.categories, rows, strict=True):
                kept.name, kept.name_en = given.name, given.name_en
        else:
            if not creating:  # the old rows go first: a code may pass from one row to another
                template.categories = []
                db.session.flush()
            template.categories = rows
        changes["categories"] = [before, after]
    db.session.add(template)
    audit.saved(actor, "budget_template", template, creating, changes)
    db.session.flush()
    return template
