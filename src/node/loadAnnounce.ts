import type * as AnnounceBundle from './announce';
import { loadBundle } from './bundle';

/**
 * Announcements (dist/announce.js): preview, journaled send, the channels (Slack, SMTP through nodemailer, GitHub, file) and the templates (mustache). Loaded on first use, so
 * activation, the Release view's first paint and the CLI's start do not pay for it. Import its types freely; reach
 * its values only through this loader, so that the module (and its state) exists once.
 */
export function loadAnnounce(): typeof AnnounceBundle {
  return loadBundle('announce.js', './node/announce');
}
