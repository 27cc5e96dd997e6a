"""`flask demo seed --scale large` writes by the bulk paths what the row-by-row paths write,
every column of every table (`tests.imports.paths`): its enterprises, institutes (and their
directors, named by a second run), users with their roles, centres and needs, its projects in
every phase, milestones, contracts, the funding agreements with their tranches and
disbursements, companies with their cap tables and rounds (those with grants replayed with
them, row by row), and what the imports after them build on them (the grants, the reminders
of the scan), with the audit records of each import."""

from __future__ import annotations

from tests.imports.paths import both_ways
from tests.imports.test_paths_agree import same
from tests.test_demo_large import SMALL
from tracker.accounts.services import find_by_email
from tracker.demo import seed
from tracker.demo_large import seed_large
from tracker.imports.companies_bulk import BulkCompanies
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.funding_bulk import BulkFunding
from tracker.imports.milestones import Milestones
from tracker.imports.projects_bulk import BulkProjects
from tracker.imports.reference_bulk import (
    BulkCentres,
    BulkEnterprises,
    BulkInstitutes,
    BulkNeeds,
    BulkUsers,
)


def test_the_large_seed_writes_the_same_by_either_path(app, monkeypatch):
    app.test_cli_runner()
    seed()
    admin = find_by_email("admin@demo.jitri.cn")
    same(*both_ways(lambda: list(seed_large(admin, "JITRI", sizes=SMALL).runs.values()),
                    [BulkEnterprises, BulkInstitutes, BulkUsers, BulkCentres, BulkNeeds,
                     BulkProjects, Milestones, BulkContracts, BulkFunding, BulkCompanies],
                    monkeypatch),
         {"enterprises", "institutes", "users", "role_grants", "joint_innovation_centres",
          "technology_needs", "projects", "milestones", "research_contracts",
          "funding_agreements", "tranches", "disbursements", "companies", "shareholders",
          "share_entries", "financing_rounds", "incentive_grants", "audit_records"})
