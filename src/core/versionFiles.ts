/**
 * Writing the next version into the version files (the ones the versionBumped gate checks): only the
 * version's own characters change — the rest of the file, its formatting, BOM and line endings stay.
 */
import { findNodeAtLocation, parseTree, type ParseError } from 'jsonc-parser';
import { UsageError } from './errors';
import { MAX_VERSION_FILE_BYTES, type VersionBumpedGate } from './gates/versionBumped';
import type { ReleaseConfig } from './config';

export type VersionFile = VersionBumpedGate['files'][number];

/** The version files of the release: those of the config's versionBumped gate, else package.json's version. */
export function versionFilesOf(config: ReleaseConfig): VersionFile[] {
  const gate = config.gates.find((g): g is VersionBumpedGate => g.kind === 'versionBumped');
  return gate ? gate.files : [{ path: 'package.json', jsonPath: 'version' }];
}

/** The file's text with its version set to `version`; the same text when it already holds it. Throws UsageError when the version is not found. */
export function setVersionText(text: string, file: VersionFile, version: string): string {
  if (text.length > MAX_VERSION_FILE_BYTES) throw new UsageError(`${file.path} is too large to edit.`, 'Name a smaller version file in the versionBumped gate.');
  if (file.jsonPath !== undefined) {
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const body = text.slice(bom.length);
    const errors: ParseError[] = [];
    const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
    const path = file.jsonPath.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = tree && errors.length === 0 ? findNodeAtLocation(tree, path) : undefined;
    if (!node || node.type !== 'string') {
      throw new UsageError(`${file.path} has no string at ${file.jsonPath} to set to ${version}${errors.length > 0 ? ' (the file is not valid JSON)' : ''}.`, `Fix ${file.path}, or the files of the versionBumped gate.`);
    }
    return bom + body.slice(0, node.offset) + JSON.stringify(version) + body.slice(node.offset + node.length);
  }
  const re = new RegExp(file.regex!, 'd');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i]!.replace(/\r$/, ''));
    const span = m?.indices?.[1];
    if (m && span) {
      lines[i] = lines[i]!.slice(0, span[0]) + version + lines[i]!.slice(span[1]);
      return lines.join('\n');
    }
  }
  throw new UsageError(`${file.path} has no line matching ${file.regex} to set to ${version}.`, `Fix ${file.path}, or the files of the versionBumped gate.`);
}
