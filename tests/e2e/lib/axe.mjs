// axe-core in the page: every browser test checks WCAG 2.1 A and AA the same way.

import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The violations as a readable list: rule, help, and up to five nodes with axe's summary. */
function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/** Fails with the list of violations when axe finds any WCAG 2.1 A/AA violation on the page. */
export async function assertAccessible(page, what) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  assert.equal(violations.length, 0, `axe found ${violations.length} violation(s) on ${what}:\n${describe(violations)}`);
}
