import assert from 'node:assert/strict';
import { oneLine, stripUnsafe } from '../../../src/core/sanitize';

describe('core/sanitize', () => {
  describe('stripUnsafe', () => {
    it('removes ANSI colour and cursor sequences (CSI)', () => {
      assert.equal(stripUnsafe('\u001b[31mred\u001b[0m and \u001b[2J\u001b[1;1Hclear'), 'red and clear');
    });

    it('removes the 8-bit CSI form', () => {
      assert.equal(stripUnsafe('a\u009b31mb'), 'ab');
    });

    it('removes OSC sequences such as terminal hyperlinks and title changes, keeping the visible text', () => {
      assert.equal(stripUnsafe('\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\'), 'click');
      assert.equal(stripUnsafe('\u001b]0;pwned\u0007title'), 'title');
    });

    it('removes two-byte escape sequences, and never leaves an ESC behind', () => {
      assert.equal(stripUnsafe('a\u001bMb\u001bDc'), 'abc');
      assert.equal(stripUnsafe('x\u001bcy\u001b7z\u001b').includes('\u001b'), false);
    });

    it('removes NUL, other C0 controls, DEL and C1 controls', () => {
      assert.equal(stripUnsafe('a\u0000b\u0007c\u0008d\u000be\u000cf\u007fg\u0085h\u009fi'), 'abcdefghi');
    });

    it('removes bidi controls (Trojan Source), including U+202E', () => {
      assert.equal(stripUnsafe('abc\u202edcb\u202c \u2066x\u2069 \u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068'), 'abcdcb x ');
    });

    it('keeps tabs, line feeds and ordinary Unicode', () => {
      assert.equal(stripUnsafe('a\tb\nc é ✓ 日本 👋'), 'a\tb\nc é ✓ 日本 👋');
    });

    it('turns CRLF and lone CR into LF', () => {
      assert.equal(stripUnsafe('a\r\nb\rc'), 'a\nb\nc');
    });
  });

  describe('oneLine', () => {
    it('collapses line breaks and tabs into single spaces and trims', () => {
      assert.equal(oneLine('  first\n\n\tsecond\r\nthird  '), 'first second third');
    });

    it('strips unsafe characters too', () => {
      assert.equal(oneLine('\u001b[1mAnn\u001b[0m\u202e\u0000'), 'Ann');
    });
  });
});
