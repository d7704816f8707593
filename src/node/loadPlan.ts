import type * as PlanBundle from './plan';
import { loadBundle } from './bundle';

/**
 * The release plan's collection (dist/plan.js): the unreleased range, its pull requests and the milestone. Loaded
 * when the Plan row is first expanded or `release-manager plan` runs, so activation does not pay for it.
 */
export function loadPlan(): typeof PlanBundle {
  return loadBundle('plan.js', './node/plan');
}
