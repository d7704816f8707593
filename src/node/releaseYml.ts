/** Reads the repository's `.github/release.yml` (or `.yaml`) and parses its YAML. */
import { loadYaml } from './loadYaml';
import { ConfigError, UsageError } from '../core/errors';
import { MAX_RELEASE_YML_BYTES, parseReleaseYml, RELEASE_YML_FILES, type ReleaseYml } from '../core/releaseYml';
import { readRepoFile } from './gateContext';

/** The repository's release.yml, parsed; null when it has none. Throws ConfigError when it is unreadable or invalid. */
export async function readReleaseYml(root: string): Promise<ReleaseYml | null> {
  for (const file of RELEASE_YML_FILES) {
    let text: string | null;
    try {
      text = await readRepoFile(root, file, MAX_RELEASE_YML_BYTES);
    } catch (e) {
      // Too large, not a regular file, a link out of the repository: a config problem of this file.
      if (e instanceof UsageError) throw new ConfigError(`${file} cannot be used: ${e.message}`, [`(file): ${e.message}`], `Make ${file} a small regular file, or delete it.`, file);
      throw e;
    }
    if (text === null) continue;
    return parseReleaseYmlText(text, file);
  }
  return null;
}

/** Parses release.yml text (YAML) into its typed form, or throws a ConfigError naming the problems. */
export function parseReleaseYmlText(text: string, file: string = RELEASE_YML_FILES[0]): ReleaseYml {
  const fix = `Fix ${file} (see GitHub's "Automatically generated release notes" documentation) or delete it to group by commit type.`;
  // Aliases are bounded (a "billion laughs" file fails instead of expanding); one document only.
  const doc = loadYaml().parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `(file): ${(e.message.split('\n', 1)[0] ?? '').replace(/:$/, '')}`);
    throw new ConfigError(`${file} is not valid YAML:\n  ${problems.join('\n  ')}`, problems, fix, file);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ConfigError(`${file} is not valid YAML: ${detail}`, [`(file): ${detail}`], fix, file);
  }
  return parseReleaseYml(value, file);
}
