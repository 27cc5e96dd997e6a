"""THE catalogue of reminder rules: every deadline that produces reminders, in one place.

Each rule names the deadline it watches (a query of tracker/reminders/items.py over open items),
who receives it, its ladder of offsets (each a setting HQ admins edit, with domain.md's default;
tracker/settings/catalogue.py lists them with the other settings), the e-mail template
(``templates/email/<rule>.txt`` and ``.html``) and whether its first recipients may turn it off.
Escalations (the steps to someone else than the first recipients) can never be turned off, nor
can the reminders of reviews. The escalation climbs PM -> institute director -> HQ admin; the
date maths of a ladder is tracker/reminders/ladder.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.achievements.reminders import (
    annuities_due,
    royalty_payments_due,
    royalty_reports_due,
    upfront_payments_due,
)
from tracker.approvals.reminders import approvals_waiting
from tracker.obligations.reminders import reports_owed
from tracker.pms.reminders import terms_ending
from tracker.reminders.items import (
    Item,
    Query,
    centre_expiries,
    changes_awaiting_hq,
    conditions_due,
    conversion_deadlines,
    gate_scores_due,
    handovers_awaiting_director,
    hold_revisits,
    instalments_due,
    lockup_expiries,
    milestones_awaiting_review,
    milestones_due,
    project_ends,
)
from tracker.reminders.ladder import BusinessDays, Ladder, Step, When
from tracker.reminders.models import Audience
from tracker.reminders.need_items import needs_stale


@dataclass(frozen=True)
class Rule:
    name: str  # stored in the outbox and names the templates: keep it stable
    label: Any  # lazy: the rule on the settings and preference pages
    what: Any  # lazy: the kind of item, in subjects ("Milestone")
    watches: Any  # lazy: the deadline, in a sentence
    first: Audience  # who the first rungs go to
    owner_label: Any  # lazy: who OWNER is for this rule ("project manager")
    steps: tuple[Step, ...]
    items: Callable[[Query], list[Item]]
    optional: bool  # may the first audience turn its reminders off?
    business_days: bool = False  # offsets count business days (mainland-China calendar)
    # lazy: what the rungs after count from when it is not a deadline ("it reached the level"):
    # the outbox and the settings' refusals say "10 days after it reached the level", not
    # "after the deadline" (tracker/display/labels.days_after)
    since: Any = None

    def setting_key(self, step: Step) -> str:
        return f"reminder_{self.name}_{step.name}"

    def ladder(self, values: dict[str, int], business_days: BusinessDays) -> Ladder:
        """The steps with these values (step name -> days); `business_days` counts the
        offsets of a rule counted in business days."""
        return Ladder(self.steps, values, self.first,
                      business_days if self.business_days else None)

    def is_escalation(self, audience: Audience) -> bool:
        return audience is not self.first



PM = _l("project manager")
DAYS_BEFORE_1 = _l("First reminder: days before the deadline")
DAYS_BEFORE_2 = _l("Second reminder: days before the deadline")
DAYS_BEFORE = _l("Reminder: days before the deadline")
DAYS_AFTER = _l("Reminder: days after the deadline")
ON_THE_DAY = _l("Reminder: days after the date (0: on the day)")
REPEAT_EVERY = _l("Then again every so many days (0: never)")
DIRECTOR_AFTER = _l("Escalation to the institute director: days after the deadline")
HQ_AFTER = _l("Escalation to HQ admins: days after the deadline")
CHAIR_AFTER = _l("Escalation to the panel chair: days after the deadline")

OWNER, DIRECTOR, CHAIR, HQ, COMMITTEE = (
    Audience.OWNER, Audience.DIRECTOR, Audience.CHAIR, Audience.HQ, Audience.COMMITTEE)
BEFORE, AFTER, REPEAT = When.BEFORE, When.AFTER, When.EVERY

_CATALOGUE = [
    Rule("milestone_due", _l("Milestone due date"), _l("Milestone"),
         _l("the due date of a milestone not yet submitted"), OWNER, PM,
         (Step("before_first", OWNER, BEFORE, 14, DAYS_BEFORE_1),
          Step("before_second", OWNER, BEFORE, 3, DAYS_BEFORE_2),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("every", OWNER, REPEAT, 7, REPEAT_EVERY),
          Step("director", DIRECTOR, AFTER, 7, DIRECTOR_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         milestones_due, optional=True),
    Rule("milestone_review", _l("Submitted milestone awaiting review"), _l("Review of milestone"),
         _l("the review of a submitted milestone, counted in business days from submission"),
         OWNER, _l("reviewer"),  # the milestone's reviewer (评审人), not a gate's evaluator
         (Step("after", OWNER, AFTER, 5,
               _l("Reminder to the reviewer: business days after submission")),
          Step("hq", HQ, AFTER, 10,
               _l("Escalation to HQ admins: business days after submission"))),
         milestones_awaiting_review, optional=False, business_days=True,
         since=_l("submission")),
    Rule("gate_scores", _l("Gate review scores"), _l("Scores for gate review"),
         _l("the due date of a gate review, for each evaluator who has not scored"),
         OWNER, _l("evaluator"),
         (Step("before", OWNER, BEFORE, 3, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("chair", CHAIR, AFTER, 5, CHAIR_AFTER),
          Step("hq", HQ, AFTER, 5, HQ_AFTER)),
         gate_scores_due, optional=False),
    Rule("condition_due", _l("Condition of a conditional GO"), _l("Condition"),
         _l("the due date of an open condition of a conditional GO"), OWNER, _l("condition owner"),
         (Step("before", OWNER, BEFORE, 7, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 7, HQ_AFTER)),
         conditions_due, optional=True),
    Rule("hold_revisit", _l("Hold revisit date"), _l("Revisit of held project"),
         _l("the revisit date of a project on hold"), HQ, _l("HQ admin"),
         (Step("on_day", HQ, AFTER, 0, ON_THE_DAY),),
         hold_revisits, optional=True),
    Rule("instalment_due", _l("Contract payment instalment"), _l("Payment instalment"),
         _l("the due date of a contract instalment not yet received in full"), OWNER, PM,
         (Step("before", OWNER, BEFORE, 7, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("director", DIRECTOR, AFTER, 30, DIRECTOR_AFTER)),
         instalments_due, optional=True),
    Rule("project_end", _l("Project end date"), _l("End of project"),
         _l("the end date of a project under way (the final acceptance window)"), OWNER, PM,
         (Step("before", OWNER, BEFORE, 30, DAYS_BEFORE),),
         project_ends, optional=True),
    Rule("change_request", _l("Change of a plan awaiting HQ"), _l("Change awaiting HQ"),
         _l("a change to a project's plan beyond the limits, counted from the day it came "
            "before HQ (the institute's last endorsement, or the request where nobody at the "
            "institute signs)"),
         HQ, _l("HQ admin"),
         (Step("after", HQ, AFTER, 5,
               _l("Reminder to HQ admins: days after the change came before HQ")),),
         changes_awaiting_hq, optional=False, since=_l("it came before HQ")),
    # A handover the PM asks for is the director's to decide as much as HQ's: HQ is reminded
    # of it by `change_request`, the director by this rule.
    Rule("handover_request", _l("Handover awaiting the institute director"),
         _l("Handover awaiting your decision"),
         _l("a handover a project manager asked for, counted from the day it was asked"),
         DIRECTOR, _l("institute director"),
         (Step("after", DIRECTOR, AFTER, 3,
               _l("Reminder to the institute director: days after the request")),),
         handovers_awaiting_director, optional=False, since=_l("the request")),
    # A proposal or change at one of the institute's approval levels (tracker/approvals): each
    # signer who has not signed, counted from the day it reached their level.
    Rule("approval_waiting", _l("Approval waiting at the institute"),
         _l("Approval awaiting your signature"),
         _l("a proposal or change request waiting for a signature at one of the institute's "
            "approval levels, counted from the day it reached the level"),
         OWNER, _l("approver"),
         (Step("after", OWNER, AFTER, 3,
               _l("Reminder to the approver: days after it reached their level")),
          Step("hq", HQ, AFTER, 10,
               _l("Escalation to HQ admins: days after it reached the level"))),
         approvals_waiting, optional=False, since=_l("it reached the level")),
    # An enterprise's need that stays in one state (collected, analysed, matched) too long:
    # HQ analyses, matches, makes a project of it or closes it (tracker/needs).
    Rule("need_stale", _l("Enterprise need left in the same state"), _l("Enterprise need"),
         _l("an enterprise need neither contracted nor closed yet, counted from the day it "
            "entered its state"), HQ, _l("HQ admin"),
         (Step("after", HQ, AFTER, 30,
               _l("Reminder to HQ admins: days a need stays in the same state")),),
         needs_stale, optional=True, since=_l("it entered its state")),
    Rule("conversion_deadline", _l("Allocation-investment conversion deadline"),
         _l("Conversion deadline of"),
         _l("the conversion deadline of an allocation-investment agreement with no outcome yet"),
         COMMITTEE, _l("investment committee"),
         (Step("before_first", COMMITTEE, BEFORE, 30, DAYS_BEFORE_1),
          Step("before_second", COMMITTEE, BEFORE, 7, DAYS_BEFORE_2),
          Step("after", COMMITTEE, AFTER, 1, DAYS_AFTER)),
         conversion_deadlines, optional=True),
    Rule("lockup_expiry", _l("Lock-up expiry of team shares"), _l("Lock-up of team shares in"),
         _l("the end of the lock-up of a company's team shares"), HQ, _l("HQ admin"),
         (Step("before", HQ, BEFORE, 30, DAYS_BEFORE),),
         lockup_expiries, optional=True),
    # A patent's annual fee (tracker/achievements): unpaid, the patent lapses after the grace
    # period, so the PM hears well ahead and HQ once it is late.
    Rule("patent_annuity", _l("Patent annuity"), _l("Annuity of patent"),
         _l("the due date of a patent annuity not yet paid"), OWNER, PM,
         (Step("before_first", OWNER, BEFORE, 60, DAYS_BEFORE_1),
          Step("before_second", OWNER, BEFORE, 14, DAYS_BEFORE_2),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         annuities_due, optional=True),
    # A licensee's royalty report, then the royalty it reports (tracker/achievements/deals.py).
    Rule("royalty_report", _l("Royalty report of a licence"), _l("Royalty report under"),
         _l("the due date of a licensee's next royalty report not yet received"), OWNER, PM,
         (Step("before", OWNER, BEFORE, 7, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         royalty_reports_due, optional=True),
    Rule("royalty_payment", _l("Royalty payment of a licence"), _l("Royalty payment under"),
         _l("the due date of a reported royalty not yet received in full"), OWNER, PM,
         (Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         royalty_payments_due, optional=True),
    # A deal's upfront payment not received by its due date (tracker/achievements/deals.py).
    Rule("upfront_payment", _l("Upfront payment of a deal"), _l("Upfront payment under"),
         _l("the due date of a deal's upfront payment not yet received in full"), OWNER, PM,
         (Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         upfront_payments_due, optional=True),
    # A joint innovation centre's term coming to its end: HQ renews it or lets it lapse. A
    # renewal stops these and the new term's end is watched in turn.
    Rule("centre_expiry", _l("End of a joint innovation centre's term"),
         _l("Agreement of joint innovation centre"),
         _l("the end of a joint innovation centre's agreement term that is not renewed"),
         HQ, _l("HQ admin"),
         (Step("before_first", HQ, BEFORE, 60, DAYS_BEFORE_1),
          Step("before_second", HQ, BEFORE, 14, DAYS_BEFORE_2),
          Step("after", HQ, AFTER, 1, DAYS_AFTER)),
         centre_expiries, optional=True),
    # A project manager's term coming to its end (tracker/pms): HQ renews the appointment or
    # records its end; either stops these.
    Rule("pm_term_end", _l("End of a project manager's term"),
         _l("Term of project manager"),
         _l("the end of a project manager's term that is neither renewed nor ended"),
         HQ, _l("HQ admin"),
         (Step("before_first", HQ, BEFORE, 90, DAYS_BEFORE_1),
          Step("before_second", HQ, BEFORE, 30, DAYS_BEFORE_2),
          Step("after", HQ, AFTER, 1, DAYS_AFTER)),
         terms_ending, optional=True),
    # A report an allocation-investment agreement or a research contract owes its funder
    # (tracker/obligations): the PM writes it, the director and HQ hear once it is late.
    Rule("funder_report", _l("Report owed to a funder"), _l("Report owed to"),
         _l("the due date of a progress, financial or final report owed to a funder and not "
            "yet submitted"), OWNER, PM,
         (Step("before_first", OWNER, BEFORE, 30, DAYS_BEFORE_1),
          Step("before_second", OWNER, BEFORE, 7, DAYS_BEFORE_2),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("director", DIRECTOR, AFTER, 7, DIRECTOR_AFTER),
          Step("hq", HQ, AFTER, 14, HQ_AFTER)),
         reports_owed, optional=True),
]

RULES: dict[str, Rule] = {rule.name: rule for rule in _CATALOGUE}
