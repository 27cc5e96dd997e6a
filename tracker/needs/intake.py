"""Through what a person submits a technology need: an enterprise's contact for their own
enterprise (through one of its joint innovation centres, or none), a centre's liaison through
one of their centres (for the centre's enterprise). The submission page's choices and
`services.submit_need`'s check both read it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.display.collation import ordered
from tracker.organisations.models import Enterprise, JointInnovationCentre


@dataclass(frozen=True)
class Intake:
    enterprise: Enterprise | None  # an enterprise contact's own; a liaison's is the centre's
    centres: list[JointInnovationCentre]  # those a need may name, in the reader's order

    @property
    def centre_required(self) -> bool:
        """A liaison submits through one of their centres; a contact may name none."""
        return self.enterprise is None

    def takes(self, centre: JointInnovationCentre | None) -> bool:
        """Whether a need submitted this way may name `centre` (None: no centre)."""
        if centre is None:
            return not self.centre_required
        return any(c.id == centre.id for c in self.centres)


def intake_of(user: User) -> Intake:
    if user.is_enterprise_contact:
        where = JointInnovationCentre.enterprise_id == user.enterprise_id
        enterprise = user.enterprise
    else:
        where = JointInnovationCentre.id.in_(user.liaised_centre_ids)
        enterprise = None
    return Intake(enterprise, ordered(db.session.scalars(select(JointInnovationCentre)
                                                         .where(where))))
