"""Every kind of import, by the name `flask import KIND` and the upload page use."""

from __future__ import annotations

from tracker.display import history
from tracker.imports.achievements import Achievements
from tracker.imports.adapters import Adapter
from tracker.imports.companies_bulk import BulkCompanies
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.funding_bulk import BulkFunding
from tracker.imports.incentive_grants import IncentiveGrants
from tracker.imports.ip_deals import IpDeals
from tracker.imports.milestones import Milestones
from tracker.imports.projects_bulk import BulkProjects
from tracker.imports.reference_bulk import (
    BulkCentres,
    BulkEnterprises,
    BulkInstitutes,
    BulkNeeds,
    BulkUsers,
)

ADAPTERS: dict[str, Adapter] = {a.kind.name: a for a in (
    BulkInstitutes(), BulkEnterprises(), BulkUsers(), BulkCentres(), BulkNeeds(),
    BulkProjects(), Milestones(), BulkContracts(), BulkFunding(), BulkCompanies(),
    IncentiveGrants(), Achievements(), IpDeals())}
history.IMPORT_KINDS.update({name: adapter.kind.title for name, adapter in ADAPTERS.items()})
