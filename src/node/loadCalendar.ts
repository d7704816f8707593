import type * as CalendarBundle from './calendar';
import { loadBundle } from './bundle';

/**
 * The release calendar's collection (dist/calendar.js): tags, deploy histories, GitHub releases, milestones and
 * deployments. Loaded on first use (Show Release Calendar), so activation does not pay for it.
 */
export function loadCalendar(): typeof CalendarBundle {
  return loadBundle('calendar.js', './node/calendar');
}
