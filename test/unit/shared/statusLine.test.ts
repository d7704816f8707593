import assert from 'node:assert/strict';
import { statusLine } from '../../../src/shared/statusLine';

describe('statusLine (checklist gate rows)', () => {
  it('does not say the status twice when the reason starts with it', () => {
    assert.equal(statusLine('not run yet', 'Not run yet.'), 'Not run yet.');
    assert.equal(statusLine('not run yet', 'Not run yet: it runs a command, so it waits for you (Re-run).'), 'Not run yet: it runs a command, so it waits for you (Re-run).');
    assert.equal(statusLine('failed', 'exit code 1'), 'failed: exit code 1');
  });
});
