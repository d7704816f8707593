import type * as MetricsBundle from './metrics';
import { loadBundle } from './bundle';

/**
 * Release metrics (dist/metrics.js): collecting deployments, releases and incidents, and computing the report. Loaded on first use, so
 * activation, the Release view's first paint and the CLI's start do not pay for it. Import its types freely; reach
 * its values only through this loader, so that the module (and its state) exists once.
 */
export function loadMetrics(): typeof MetricsBundle {
  return loadBundle('metrics.js', './node/metrics');
}
