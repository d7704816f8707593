import type * as FlagsBundle from './flags';
import { loadBundle } from './bundle';

/**
 * Feature flags (dist/flags.js): the Unleash provider, flag status, rollouts and the kill switch. Loaded on first use, so
 * activation, the Release view's first paint and the CLI's start do not pay for it. Import its types freely; reach
 * its values only through this loader, so that the module (and its state) exists once.
 */
export function loadFlags(): typeof FlagsBundle {
  return loadBundle('flags.js', './node/flags');
}
