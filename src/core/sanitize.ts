// ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL|ST), and two-byte ESC sequences.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 controls except TAB and LF, DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional formatting controls (Trojan Source) and other invisible direction marks.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Any character the replacements below would touch (CR included): one cheap test before three replaces.
// eslint-disable-next-line no-control-regex
const UNSAFE_ANY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Removes terminal escapes, control characters and bidi controls from untrusted text; keeps TAB and LF. */
export function stripUnsafe(text: string): string {
  if (!UNSAFE_ANY.test(text)) return text; // the common case: nothing to remove, no new string
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '').replace(BIDI, '');
}

/** Collapses untrusted text to a single safe line (for subjects, names, titles). */
export function oneLine(text: string): string {
  if (!UNSAFE_ANY.test(text) && !text.includes('\t') && !text.includes('\n')) return text.trim();
  return stripUnsafe(text).replace(/[\t\n]+/g, ' ').trim();
}
