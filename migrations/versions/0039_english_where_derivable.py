"""the English of reference data stored before it had one, where it can be derived

Revision ID: 0039
Revises: 0038
Create Date: 2026-11-26 09:40:00

Rows written before 0025 and 0033 (or by an import without the English columns) have their
gate names, criteria, deliverables and cities in Chinese only, which English pages show as is.
Where the English follows from what is stored, it is filled in, and only where it is empty:

- gate templates, their criteria and deliverables, by the default templates' own pairs of
  Chinese and English (tracker/gates/defaults.py, frozen here as they stood);
- a review's gate name and criteria (copied from a template when the gate was requested), from
  its template's English when the Chinese is the same, else from the defaults' pairs;
- a city, by the prefecture-level cities below, written with or without 市;
- a city, an institute's field or an enterprise's industry, from another row of the same
  Chinese value that has its English (HQ entered it once).

A value with no English after this (a name, most often) is shown in Chinese on English pages,
and the page says so (templates/base.html).
"""

from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

# The default templates' texts as (Chinese, English), as tracker/gates/defaults.py had them.
GATE_NAMES = {'立项评审': 'Proposal review', '研发验收': 'Research acceptance',
              '投资决策': 'Investment decision', '公司设立': 'Spin-off'}
CRITERIA = {
    '对接企业需求或战略方向': 'Answers an enterprise need or a strategic field',
    '预算符合规定': "Budget within the programme's rules",
    '技术先进性': 'Technical novelty', '团队能力': 'Team capability',
    '市场前景': 'Market potential', '计划与预算可行性': 'Feasibility of plan and budget',
    '合同约定成果已交付': 'Contracted deliverables delivered',
    '技术指标完成度': 'Technical targets reached', '知识产权产出': 'IP generated',
    '企业满意度': 'Enterprise satisfaction',
    '团队持股方案合规': 'Team holding plan within the bounds',
    '市场与商业模式': 'Market and business model', '团队与治理': 'Team and governance',
    '财务规划': 'Financial plan',
    '公司已注册且股权结构完整': 'Company registered, cap table complete',
    '知识产权已许可或转让': 'IP licensed or assigned to the company',
    '运营准备': 'Readiness to operate',
}
DELIVERABLES = {'项目申报书': 'Proposal document', '研究报告': 'Research report',
                '测试报告': 'Test report', '商业计划书': 'Business plan',
                '尽调报告': 'Due diligence report', '公司章程': 'Articles of association'}
# Prefecture-level cities (all of Jiangsu's, the other seeds' and the large ones) and the
# county-level cities of southern Jiangsu, as their English names are written.
CITIES = {
    '南京': 'Nanjing', '苏州': 'Suzhou', '无锡': 'Wuxi', '常州': 'Changzhou',
    '南通': 'Nantong', '徐州': 'Xuzhou', '扬州': 'Yangzhou', '镇江': 'Zhenjiang',
    '泰州': 'Taizhou', '盐城': 'Yancheng', '淮安': "Huai'an", '连云港': 'Lianyungang',
    '宿迁': 'Suqian', '昆山': 'Kunshan', '江阴': 'Jiangyin', '常熟': 'Changshu',
    '张家港': 'Zhangjiagang', '太仓': 'Taicang', '宜兴': 'Yixing',
    '上海': 'Shanghai', '北京': 'Beijing', '天津': 'Tianjin', '重庆': 'Chongqing',
    '沈阳': 'Shenyang', '大连': 'Dalian', '鞍山': 'Anshan', '杭州': 'Hangzhou',
    '宁波': 'Ningbo', '合肥': 'Hefei', '深圳': 'Shenzhen', '广州': 'Guangzhou',
    '武汉': 'Wuhan', '成都': 'Chengdu', '西安': "Xi'an", '长沙': 'Changsha',
    '郑州': 'Zhengzhou', '济南': 'Jinan', '青岛': 'Qingdao', '厦门': 'Xiamen',
    '福州': 'Fuzhou', '东莞': 'Dongguan', '佛山': 'Foshan', '哈尔滨': 'Harbin',
    '长春': 'Changchun',
}


def _city(chinese: str | None) -> str | None:
    text = (chinese or '').strip()
    return CITIES.get(text.removesuffix('市')) if text else None


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def _fill(table: sa.Table, column: str, english_of) -> None:
    """`<column>_en` of each row where it is empty, as `english_of(row)` gives it (or None)."""
    bind = op.get_bind()
    english = table.c[f'{column}_en']
    empty = sa.or_(english.is_(None), english == '')
    for row in bind.execute(sa.select(table).where(empty)).mappings().all():
        value = english_of(row)
        if value:
            bind.execute(table.update().where(table.c.id == row['id']).values(
                {english.name: value}))


def _known(tables: list[tuple[sa.Table, str]]) -> dict[str, str]:
    """Chinese -> English of `column` as some row already gives both (the first one found)."""
    bind = op.get_bind()
    found: dict[str, str] = {}
    for table, column in tables:
        chinese, english = table.c[column], table.c[f'{column}_en']
        for zh, en in bind.execute(sa.select(chinese, english).where(
                english.is_not(None), english != '').order_by(table.c.id)).all():
            found.setdefault((zh or '').strip(), en)
    return found


def upgrade() -> None:
    bind = op.get_bind()
    templates, criteria = _table('gate_templates'), _table('gate_criteria')
    reviews, review_criteria = _table('gate_reviews'), _table('review_criteria')

    _fill(templates, 'name', lambda row: GATE_NAMES.get((row['name'] or '').strip()))
    _fill(criteria, 'text', lambda row: CRITERIA.get((row['text'] or '').strip()))
    for row in bind.execute(sa.select(templates.c.id, templates.c.required_deliverables).where(
            templates.c.required_deliverables_en.is_(None))).all():
        names = row.required_deliverables or []
        if names and all(name.strip() in DELIVERABLES for name in names):
            bind.execute(templates.update().where(templates.c.id == row.id).values(
                required_deliverables_en=[DELIVERABLES[name.strip()] for name in names]))

    # What each gate's template says now, in both languages (it may have been renamed).
    by_gate = {row.gate: row for row in bind.execute(sa.select(
        templates.c.id, templates.c.gate, templates.c.name, templates.c.name_en)).all()}
    _fill(reviews, 'name', lambda row: (
        by_gate[row['gate']].name_en if row['gate'] in by_gate
        and by_gate[row['gate']].name == row['name'] and by_gate[row['gate']].name_en
        else GATE_NAMES.get((row['name'] or '').strip())))
    template_texts = _known([(criteria, 'text')])
    _fill(review_criteria, 'text', lambda row: (
        template_texts.get((row['text'] or '').strip())
        or CRITERIA.get((row['text'] or '').strip())))

    enterprises, centres = _table('enterprises'), _table('joint_innovation_centres')
    institutes = _table('institutes')
    cities = _known([(enterprises, 'city'), (centres, 'city')])
    for table in (enterprises, centres):
        _fill(table, 'city', lambda row: (_city(row['city'])
                                          or cities.get((row['city'] or '').strip())))
    fields = _known([(institutes, 'field')])
    _fill(institutes, 'field', lambda row: fields.get((row['field'] or '').strip()))
    industries = _known([(enterprises, 'industry')])
    _fill(enterprises, 'industry', lambda row: industries.get((row['industry'] or '').strip()))


def downgrade() -> None:
    # The English the tables above give is emptied again where it is what they give; what came
    # from another row of the same Chinese value can't be told from what HQ entered, and stays.
    bind = op.get_bind()
    for name, column, pairs in (('gate_templates', 'name', GATE_NAMES),
                                ('gate_reviews', 'name', GATE_NAMES),
                                ('gate_criteria', 'text', CRITERIA),
                                ('review_criteria', 'text', CRITERIA)):
        table = _table(name)
        for chinese, english in pairs.items():
            bind.execute(table.update().where(
                table.c[column] == chinese, table.c[f'{column}_en'] == english).values(
                {f'{column}_en': None}))
    templates = _table('gate_templates')
    for row in bind.execute(sa.select(templates.c.id, templates.c.required_deliverables,
                                      templates.c.required_deliverables_en)).all():
        names = row.required_deliverables or []
        if names and row.required_deliverables_en == [DELIVERABLES.get(n.strip())
                                                      for n in names]:
            bind.execute(templates.update().where(templates.c.id == row.id).values(
                required_deliverables_en=None))
    for name in ('enterprises', 'joint_innovation_centres'):
        table = _table(name)
        for chinese, english in CITIES.items():
            bind.execute(table.update().where(
                table.c.city.in_([chinese, chinese + '市']), table.c.city_en == english).values(
                city_en=None))
