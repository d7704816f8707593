import type * as RiskBundle from './risk';
import { loadBundle } from './bundle';

/**
 * Measuring the release risk (dist/risk.js): git diff statistics, the notes engine's changes, CI runs, the change
 * failure rate. Loaded when a risk gate is judged or `release-manager risk` runs, so activation does not pay for it.
 */
export function loadRisk(): typeof RiskBundle {
  return loadBundle('risk.js', './node/risk');
}
