/**
 * The release calendar as an iCalendar file (RFC 5545), written with ical.js (Mozilla's; pure JS, so
 * core may use it): one VCALENDAR with a PRODID, one VEVENT per event with its stable UID, DTSTAMP,
 * DTSTART/DTEND (all-day events as DATE values), SUMMARY, DESCRIPTION, URL and CATEGORIES. Escaping of
 * text values and the folding of long lines are the library's (folded one octet earlier: see below).
 */
import ICAL from 'ical.js';
import type { CalendarEvent, CalendarReport } from './model';

/** The product identifier of the files we write. */
export const ICS_PRODID = '-//Release Manager//Release Calendar//EN';

const CATEGORY: Record<CalendarEvent['kind'], string> = { release: 'Release', planned: 'Planned release', freeze: 'Code freeze', milestone: 'Milestone', deploy: 'Deploy' };

function dateValue(text: string): ICAL.Time {
  // Both `YYYY-MM-DD` (a DATE) and UTC date-times: the latter converted from any offset first.
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return ICAL.Time.fromDateString(text);
  return ICAL.Time.fromJSDate(new Date(Date.parse(text)), true);
}

/** The VEVENT of one event. */
function vevent(e: CalendarEvent, stamp: ICAL.Time): ICAL.Component {
  const v = new ICAL.Component('vevent');
  v.addPropertyWithValue('uid', e.id);
  v.addPropertyWithValue('dtstamp', stamp);
  v.addPropertyWithValue('dtstart', dateValue(e.start));
  if (e.end !== undefined && (e.allDay || Date.parse(e.end) > Date.parse(e.start))) v.addPropertyWithValue('dtend', dateValue(e.end));
  v.addPropertyWithValue('summary', e.title);
  const lines = [e.description ?? '', e.url ? `Link: ${e.url}` : ''].filter((l) => l !== '');
  if (lines.length > 0) v.addPropertyWithValue('description', lines.join('\n'));
  if (e.url) v.addPropertyWithValue('url', e.url);
  const categories = new ICAL.Property('categories');
  categories.setValues([CATEGORY[e.kind], ...(e.environment ? [e.environment] : [])]);
  v.addProperty(categories);
  v.addPropertyWithValue('status', e.kind === 'planned' ? 'TENTATIVE' : 'CONFIRMED');
  // Informational: a release day does not make anyone busy.
  v.addPropertyWithValue('transp', 'TRANSPARENT');
  return v;
}

/** The .ics text of a calendar (CRLF line ends, lines folded at 75 octets). */
export function calendarIcs(report: CalendarReport): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', ICS_PRODID);
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  cal.addPropertyWithValue('method', 'PUBLISH');
  cal.addPropertyWithValue('x-wr-calname', `Releases of ${report.repository}`);
  const stamp = dateValue(report.generatedAt);
  for (const e of report.events) cal.addSubcomponent(vevent(e, stamp));
  // ical.js folds after 75 octets and then prefixes the space, so a continuation line has 76: fold one
  // octet earlier (RFC 5545 3.1: at most 75 octets, the leading space included). Its setting is global: restored.
  const fold = ICAL.foldLength;
  ICAL.foldLength = 74;
  try {
    return cal.toString() + '\r\n';
  } finally {
    ICAL.foldLength = fold;
  }
}
