import assert from 'node:assert/strict';
import { renderDecision } from '../../../src/core/gates/decisionLog';
import { verdict } from '../../../src/core/gates/engine';
import type { GateResult } from '../../../src/core/gates/types';

const result = (over: Partial<GateResult>): GateResult => ({ id: 'x', title: 'X', kind: 'cleanTree', required: true, status: 'pass', reason: 'ok', durationMs: 1, ...over });

describe('decision log', () => {
  it('records the verdict, every gate result, the sign-offs, who and when', () => {
    const results = [result({ title: 'Clean working tree', reason: 'working tree clean' }), result({ title: 'QA sign-off', kind: 'manual', status: 'pass', reason: 'signed off' }), result({ title: 'Lint', required: false, status: 'fail', reason: 'exited 1' })];
    const text = renderDecision({
      verdict: verdict(results),
      results,
      signOffs: [{ gateId: 'qa', title: 'QA sign-off', who: 'Alice Doe', when: '2026-03-03T09:00:00Z', note: 'regression suite green' }],
      version: '1.3.0',
      who: 'Bob Roe',
      when: '2026-03-03T10:00:00Z',
      commit: 'a'.repeat(40),
      branch: 'main',
    });
    assert.equal(
      text,
      [
        '',
        '## GO — 1.3.0 — 2026-03-03T10:00:00Z',
        '',
        '- Decided by: Bob Roe',
        '- Commit: aaaaaaaaaaaa on main',
        '- Verdict: GO: all 2 required gates pass; 1 advisory: Lint \\(fail: exited 1\\)',
        '',
        '### Gates',
        '',
        '- ✔ **Clean working tree** (required, pass): working tree clean',
        '- ✔ **QA sign-off** (required, pass): signed off',
        '- ✘ **Lint** (advisory, fail): exited 1',
        '',
        '### Sign-offs',
        '',
        '- **QA sign-off**: Alice Doe, 2026-03-03T09:00:00Z — regression suite green',
        '',
      ].join('\n'),
    );
  });

  it('keeps hostile text inert: no HTML, links, mentions, line breaks or tokens', () => {
    const results = [result({ title: '<img src=x onerror=alert(1)>', status: 'fail', reason: 'see [here](javascript:alert(1)) @everyone\n## injected ghp_abcdefghijklmnopqrstuvwxyz0123456789' })];
    const text = renderDecision({ verdict: verdict(results), results, signOffs: [], version: null, who: '@admin', when: 'now', commit: null, branch: null });
    assert.doesNotMatch(text, /<img|\]\(javascript:|ghp_/);
    assert.doesNotMatch(text, /^## injected/m);
    assert.match(text, /`@everyone`/);
    assert.match(text, /Decided by: `@admin`/);
    assert.match(text, /## NO-GO — no pending release — now/);
    assert.match(text, /- \(none\)/);
  });
});
