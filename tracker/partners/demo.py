"""Demo data: the partners HQ works with — a university, the city and district governments
that co-fund the demo's allocation-investment agreement, an investor — and what the city and
the district have paid (tracker/funding/demo.py records the agreement)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker import db
from tracker.dates import today
from tracker.funding.models import FundingAgreement
from tracker.partners import co_funding, services
from tracker.partners.agreement_models import AgreementKind
from tracker.partners.models import GovernmentLevel, PartnerKind

if TYPE_CHECKING:
    from tracker.accounts.models import User

PARTNERS = [
    ("东南大学", "Southeast University", PartnerKind.UNIVERSITY, None, "南京市", "Nanjing",
     "共建研究所的高校伙伴。"),
    ("苏州市", "Suzhou Municipal Government", PartnerKind.GOVERNMENT, GovernmentLevel.CITY,
     "苏州市", "Suzhou", "拨投结合项目的市级配套出资方。"),
    ("吴中区", "Wuzhong District Government", PartnerKind.GOVERNMENT, GovernmentLevel.DISTRICT,
     "苏州市", "Suzhou", "拨投结合项目的区级配套出资方。"),
    ("苏州元禾控股股份有限公司", "Oriza Holdings", PartnerKind.INVESTOR, None, "苏州市", "Suzhou",
     "衍生公司后续轮次的社会投资方。"),
]

# What the city and the district have paid of their 5,000,000 each, with the finance
# bureau's reference.
PAID = {"苏州市": (Decimal("2000000"), "苏财教〔2026〕112号"),
        "吴中区": (Decimal("1000000"), "吴财企〔2026〕37号")}


# The agreements HQ signed with them: (partner, kind, title, signed, starts, ends, with the
# signed document).
AGREEMENTS = [
    ("东南大学", AgreementKind.CO_BUILDING, "共建先进材料研究所协议", date(2024, 3, 18),
     date(2024, 4, 1), date(2029, 3, 31), True),
    ("苏州市", AgreementKind.CO_FUNDING, "拨投结合项目市级配套资金协议", date(2025, 12, 1),
     date(2026, 1, 1), date(2028, 12, 31), True),
    ("苏州元禾控股股份有限公司", AgreementKind.COOPERATION, "衍生企业跟投合作备忘录",
     date(2025, 6, 20), date(2025, 7, 1), None, False),
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def seed_partners(admin: User) -> int:
    """The partners missing (by name), and their agreements; before the funding agreement,
    which names the co-funders."""
    created = 0
    for name, name_en, kind, level, city, city_en, note in PARTNERS:
        if services.named(name) is None:
            partner = services.save_partner(admin, None, name=name, name_en=name_en, kind=kind,
                                            level=level, uscc=None, city=city, city_en=city_en,
                                            note=note)
            created += 1
            for _name, agreement_kind, title, signed, starts, ends, document in (
                    a for a in AGREEMENTS if a[0] == name):
                services.record_agreement(
                    admin, partner, kind=agreement_kind, title=title, signed_on=signed,
                    starts_on=starts, ends_on=ends,
                    upload=(io.BytesIO(PDF), f"{title}.pdf") if document else None)
    return created


def seed_co_funder_payments(admin: User) -> int:
    """The city's and the district's payments, on the demo's agreement, once."""
    agreement = db.session.scalar(select(FundingAgreement).order_by(FundingAgreement.id))
    created = 0
    for co_funder in agreement.co_funders if agreement is not None else []:
        if co_funder.payments or co_funder.name not in PAID:
            continue
        amount, reference = PAID[co_funder.name]
        co_funding.record_payment(admin, co_funder, amount=amount,
                                  paid_on=today(),
                                  reference=reference)
        created += 1
    return created
