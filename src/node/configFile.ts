import { constants } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { CONFIG_FILE, MAX_CONFIG_BYTES, defaultConfig, parseConfig, type ReleaseConfig } from '../core/config';
import { ConfigError } from '../core/errors';

/** Reads `.release-manager.json` at the repository root; no file means the defaults. */
export async function loadConfig(root: string): Promise<ReleaseConfig> {
  const file = join(root, CONFIG_FILE);
  try {
    await lstat(file);
  } catch {
    return defaultConfig();
  }
  const fail = (message: string, problem: string, fix: string) => new ConfigError(message, [`(file): ${problem}`], fix, CONFIG_FILE);
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw fail(`${CONFIG_FILE} is a link to a file that does not exist.`, 'dangling link', `Replace the link with a real ${CONFIG_FILE}, or delete it to use the defaults.`);
  }
  const rel = relative(await realpath(root), real);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw fail(`${CONFIG_FILE} is a link to a file outside the repository.`, 'outside the repository', `Replace the link with a real ${CONFIG_FILE}.`);
  }
  // A FIFO, socket or device would block the open (or never end): refuse anything but a file before opening it.
  const notFile = fail(`${CONFIG_FILE} is not a regular file.`, 'not a file', `Make ${CONFIG_FILE} a JSON file, or delete it to use the defaults.`);
  if (!(await stat(real)).isFile()) throw notFile;
  let handle;
  try {
    // O_NONBLOCK: a file swapped for a FIFO after the check still does not block the open.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(`${CONFIG_FILE} cannot be read (${code ?? 'error'}).`, 'unreadable', `Make ${CONFIG_FILE} readable by you (e.g. chmod u+r ${CONFIG_FILE}), or delete it to use the defaults.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notFile;
    if (info.size > MAX_CONFIG_BYTES) {
      throw fail(`${CONFIG_FILE} is too large (${info.size} bytes, limit ${MAX_CONFIG_BYTES}).`, 'too large', `Shrink ${CONFIG_FILE}.`);
    }
    // Buffer decoding keeps a BOM as U+FEFF, so parseConfig can name it.
    return parseConfig((await handle.readFile()).toString('utf8'));
  } finally {
    await handle.close();
  }
}
