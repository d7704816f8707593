import { lstat, open, realpath } from 'node:fs/promises';
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
  const real = await realpath(file).catch(() => file);
  const rel = relative(await realpath(root), real);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new ConfigError(`${CONFIG_FILE} is a link to a file outside the repository.`, ['(file): outside the repository'], `Replace the link with a real ${CONFIG_FILE}.`, CONFIG_FILE);
  }
  const handle = await open(real, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ConfigError(`${CONFIG_FILE} is not a regular file.`, ['(file): not a file'], `Make ${CONFIG_FILE} a JSON file.`, CONFIG_FILE);
    if (info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(`${CONFIG_FILE} is too large (${info.size} bytes, limit ${MAX_CONFIG_BYTES}).`, ['(file): too large'], `Shrink ${CONFIG_FILE}.`, CONFIG_FILE);
    }
    // Buffer decoding keeps a BOM as U+FEFF, so parseConfig can name it.
    return parseConfig((await handle.readFile()).toString('utf8'));
  } finally {
    await handle.close();
  }
}
