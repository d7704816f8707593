import type * as Yaml from 'yaml';
import { loadBundle } from './bundle';

/**
 * The YAML parser (about 110 KB), bundled apart as dist/yaml.js and loaded on first use (a workflow file or
 * release.yml read), so the extension's activation does not pay for it.
 */
export function loadYaml(): typeof Yaml {
  return loadBundle('yaml.js', 'yaml');
}
