"""What granting shares or options would write, for the confirmation step: the person, the
number, the vesting schedule with its cliff and lock-up, what the pool has left to grant, and
each holder's fully diluted stake before and after.

It reads the grant as the service left it inside the dry run's savepoint
(`tracker.web.actions.submit(..., preview=)`): the figures are the service's own (the ledger,
`services.unallocated`, `dilution.fully_diluted`), never computed a second time here.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.companies import ledger
from tracker.dates import today
from tracker.display.formatting import aside, day, number, pct, plural, price
from tracker.display.labels import label
from tracker.display.preview import GRANT, Preview
from tracker.incentives import dilution, services
from tracker.incentives.models import ZERO, GrantKind, IncentiveGrant


def _schedule(record: IncentiveGrant) -> list[tuple[str, str]]:
    schedule = record.schedule
    if not record.vesting_months:
        return [(_("Vesting"), _("All at once on %(date)s", date=day(record.vesting_start)))]
    vested = schedule.vested(record.shares, schedule.cliff_on)
    at_cliff = {"date": day(schedule.cliff_on), "shares": number(vested)}
    cliff = ((ngettext("%(date)s: %(shares)s option vests at once",
                       "%(date)s: %(shares)s options vest at once", plural(vested), **at_cliff)
              if record.kind is GrantKind.OPTIONS
              else ngettext("%(date)s: %(shares)s share vests at once",
                            "%(date)s: %(shares)s shares vest at once", plural(vested),
                            **at_cliff))
             if record.cliff_months else _("No cliff"))
    return [(_("Vesting"), _("%(months)s from %(start)s, monthly", months=ngettext(
                "%(num)d month", "%(num)d months", record.vesting_months),
                             start=day(record.vesting_start))),
            (_("Cliff"), cliff),
            (_("Fully vested on"), day(schedule.fully_vested_on))]


def grant(record: IncentiveGrant) -> Preview:
    company, on = record.company, record.granted_on
    person = record.person_name + (aside(record.user.email) if record.user else "")
    facts = [(_("Person"), person),
             (_("Number and kind granted"), f"{number(record.shares)} · {label(record.kind)}")]
    if record.kind is GrantKind.OPTIONS:
        facts.append((_("Exercise price per share"), price(record.exercise_price)))  # as its page
    facts += [(_("Granted on"), day(on)), *_schedule(record),
              (_("Locked up until"), day(record.lock_up_until) if record.lock_up_until
               else _("No lock-up")),
              (_("%(pool)s can grant after this", pool=record.pool.shown_name),
               number(services.unallocated(company, record.pool, on))),
              (_("Stakes below"), _("Fully diluted, on %(date)s", date=day(on)))]
    grants = services.grants_of(company)
    after = dilution.fully_diluted(ledger.cap_table(company, on), grants)
    before = dilution.fully_diluted(ledger.cap_table(company, on, exclude=record.grant_entry),
                                    [g for g in grants if g is not record])
    return Preview(facts=facts, stakes=stake_rows(before, after), columns=GRANT)


def stake_rows(before: dilution.DilutedTable,
               after: dilution.DilutedTable) -> list[tuple[str, str, str, str, str]]:
    """A row per holder of either table, fully diluted, then the total."""
    was = {r.holder.id: r for r in before.rows}
    rows = [(r.holder.shown_name, number(was[r.holder.id].diluted) if r.holder.id in was else "—",
             pct(was[r.holder.id].diluted_pct) if r.holder.id in was else "—",
             number(r.diluted), pct(r.diluted_pct)) for r in after.rows]
    rows += [(r.holder.shown_name, number(r.diluted), pct(r.diluted_pct), "—", "—")
             for r in before.rows if r.holder.id not in {a.holder.id for a in after.rows}]
    rows.append((_("Total"), number(before.diluted),
                 pct(sum((r.diluted_pct for r in before.rows), ZERO)),
                 number(after.diluted),
                 pct(sum((r.diluted_pct for r in after.rows), ZERO))))
    return rows


def leaving(record: IncentiveGrant) -> Preview:
    """What recording the person's leaving would do, for its confirmation: what was vested
    that day and stays theirs, what is forfeited and where it goes, and for options how long
    the vested ones stay exercisable."""
    left_on, kept = record.left_on, record.vested(record.left_on)
    facts = [(_("Person"), record.person_name), (_("Left on"), day(left_on)),
             (_("Reason"), record.forfeit_reason),
             (_("Granted"), f"{number(record.shares)} · {label(record.kind)}"),
             (_("Vested on leaving: stays theirs"), number(kept))]
    if record.kind is GrantKind.SHARES:
        facts.append((_("Unvested: returned to %(pool)s", pool=record.pool.shown_name),
                      number(record.forfeited)))
    else:
        left = max(kept - record.exercised(), ZERO)
        facts += [(_("Unvested: forfeited, back to %(pool)s's unallocated shares",
                     pool=record.pool.shown_name), number(record.forfeited)),
                  (_("Exercised"), number(record.exercised())),
                  (_("Vested, not exercised"), number(left)),
                  (_("Exercise window after leaving"),
                   _("Exercisable until %(date)s (%(days)s); what is not exercised by then "
                     "lapses.", date=day(record.exercise_until),
                     days=ngettext("%(num)d day", "%(num)d days",
                                   (record.exercise_until - left_on).days)))]
    facts.append((_("%(pool)s can grant after this", pool=record.pool.shown_name),
                  number(services.unallocated(record.company, record.pool, today()))))
    return Preview(facts=facts)
