import type * as Yaml from 'yaml';

/**
 * The YAML parser (about 110 KB), bundled apart as dist/yaml.js and loaded on first use (a workflow file or
 * release.yml read), so the extension's activation does not pay for it. Run from sources (tests, tsx), it is
 * the package itself.
 */
export function loadYaml(): typeof Yaml {
  const path = __filename.endsWith('.ts') ? 'yaml' : './yaml.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as typeof Yaml;
}
