/** Text a long run must keep until its end, kept in a private temporary file instead of the heap. */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextSpill } from '../core/changelogJson';

/** A TextSpill over one temporary file (in a fresh private folder), removed by dispose(). */
export class FileSpill implements TextSpill {
  private readonly dir: string;
  private readonly fd: number;
  private readonly at: number[] = [];
  private readonly length: number[] = [];
  private size = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'release-manager-'));
    this.fd = openSync(join(this.dir, 'spill'), 'w+', 0o600);
  }

  put(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.size + done);
    this.at.push(this.size);
    this.length.push(bytes.length);
    this.size += bytes.length;
    return this.at.length - 1;
  }

  /** The bytes of a handle put() returned. */
  read(handle: number): Buffer {
    const length = this.length[handle]!;
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, this.at[handle]! + done);
      if (n === 0) throw new Error('the spill file is shorter than written');
      done += n;
    }
    return buf;
  }

  dispose(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
