"""What the browser tests of issue #25 check on a page: axe-core's serious and critical
violations, and how the page fares on a phone."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The rules whose violations axe-core can only rate minor or moderate, read from its own data
# as it rates them: a rule's impact is its own when it has one, else the gravest impact of its
# failing checks. The walks keep serious and critical violations only, so RUN_AXE does not run
# these: the same findings (compared on every page of the admin's and the PM's walks, and by
# test_axe_skips_only_rules_it_never_rates_serious), in a quarter to a third less of the time.
LESSER_RULES = """() => {
  const checks = axe._audit.data.checks;
  const graver = ['serious', 'critical'];
  return axe._audit.rules.filter(rule => {
    const impacts = rule.impact ? [rule.impact]
      : [...rule.any, ...rule.all, ...rule.none].map(c => (checks[c.id || c] || {}).impact);
    return !impacts.some(impact => graver.includes(impact));
  }).map(rule => rule.id);
}"""

RUN_AXE = """async () => {
  const lesser = (""" + LESSER_RULES + """)();
  const rules = Object.fromEntries(lesser.map(id => [id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ['violations'], rules});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""

# The page as a phone shows it: what is wider than the screen, table cells whose Chinese stands
# one character a line, a tag in a cell on several lines, a chart's words shrunk below 11 px,
# inputs under 16 px, tap targets under 44 x 44 px (links inside a line of text or a table cell
# are exempt, as WCAG 2.2 exempts inline targets).
PHONE_CHECKS = """() => {
  const problems = [];
  const ancestors = function* (e) {
    for (let p = e.parentElement; p; p = p.parentElement) yield p;
  };
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const wide = [...document.querySelectorAll('body *')].find(e =>
      e.getBoundingClientRect().right > width + 1 && !e.parentElement.closest('table, pre')
      && ![...ancestors(e)].some(scrolls));
    problems.push('page ' + document.documentElement.scrollWidth + ' px wide on a '
      + width + ' px screen' + (wide ? ' (' + wide.tagName.toLowerCase() + '.'
      + wide.className + ': ' + wide.textContent.trim().slice(0, 40) + ')' : ''));
  }
  const han = /[\\u4e00-\\u9fff]/;
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  for (const cell of document.querySelectorAll('td, th')) {
    if (!shown(cell)) continue;
    // Each line of the cell (by its top) and what it holds: one Chinese character alone on
    // every line is the squeeze; a date that breaks after 年 and 月 is not.
    const lines = new Map();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (let i = 0; i < text.length; i++) {
        if (!text[i].trim()) continue;
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const top = Math.round(range.getBoundingClientRect().top);
        lines.set(top, (lines.get(top) || '') + text[i]);
      }
    }
    const withHan = [...lines.values()].filter(line => han.test(line));
    if (withHan.length > 1 && withHan.every(line => line.length === 1))
      problems.push('one Chinese character a line: ' + cell.innerText.trim().slice(0, 30));
  }
  // A tag (a pill) in a table cell on one line, never a tall bubble.
  for (const tag of document.querySelectorAll('td .tag, th .tag')) {
    const lineHeight = parseFloat(getComputedStyle(tag).fontSize) * 1.3;
    if (shown(tag) && tag.getBoundingClientRect().height > 2 * lineHeight)
      problems.push('tag on several lines: ' + tag.innerText.trim().slice(0, 30));
  }
  // A chart's text as the phone draws it (its font size times the drawing's scale): a
  // drawing shrunk to the screen must not shrink its words below 11 px.
  for (const text of document.querySelectorAll('svg text')) {
    if (!shown(text) || !text.textContent.trim()) continue;
    const m = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    if (size < 11)
      problems.push('chart text at ' + size.toFixed(1) + ' px: '
        + text.textContent.trim().slice(0, 30));
  }
  for (const input of document.querySelectorAll('input, select, textarea')) {
    if (shown(input) && parseFloat(getComputedStyle(input).fontSize) < 16)
      problems.push('input under 16 px: ' + (input.name || input.type));
  }
  const targets = ['button', 'a.button', 'select', 'textarea', 'summary', 'nav a', '.tools > a',
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio])',
    'label:has(> input[type=checkbox])', 'label:has(> input[type=radio])'].join(', ');
  for (const target of document.querySelectorAll(targets)) {
    if (!shown(target)) continue;
    const box = target.getBoundingClientRect();
    if (box.width < 43.5 || box.height < 43.5)
      problems.push('tap target ' + Math.round(box.width) + 'x' + Math.round(box.height) + ': '
        + (target.innerText || target.name || target.tagName).trim().slice(0, 30));
  }
  return problems;
}"""

# Primary and destructive actions apart (issue #25, point 2; README "Small screens"): every
# destructive button (`danger`) stands apart from every primary one, measured between their
# boxes: 2 rem (32 px) when they share a line, 1.5 rem (24 px) when one is below the other (a
# phone stacks them). Returns the problems and how many pairs were measured, so a walk can tell
# that it met some.
APART_CHECKS = """() => {
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const primary = [...document.querySelectorAll('button.primary, .button.primary')].filter(shown);
  const danger = [...document.querySelectorAll('button.danger, .button.danger')].filter(shown);
  const problems = [];
  let pairs = 0;
  for (const d of danger) {
    const b = d.getBoundingClientRect();
    for (const p of primary) {
      pairs++;
      const a = p.getBoundingClientRect();
      const across = Math.max(a.left - b.right, b.left - a.right);
      const down = Math.max(a.top - b.bottom, b.top - a.bottom);
      const [apart, least] = down < 0 ? [across, 32] : [Math.max(across, down), 24];
      if (apart < least)
        problems.push('"' + d.innerText.trim() + '" ' + Math.round(apart) + ' px from "'
          + p.innerText.trim() + '" (at least ' + least + ' px)');
    }
  }
  return {problems, pairs};
}"""
