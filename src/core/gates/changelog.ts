import { once } from '../lazy';
import * as z from 'zod';
import { gateBase, repoPathSchema, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of a changelog gate. */
export const changelogGateSchema = once(() => z.strictObject({
  kind: z.literal('changelog'),
  ...gateBase('Changelog updated', 30_000),
  path: repoPathSchema().default('CHANGELOG.md').describe('Repository-relative changelog file.'),
}));
/** A parsed changelog gate. */
export type ChangelogGate = z.infer<ReturnType<typeof changelogGateSchema>>;

/** The 1-based line where the version is mentioned as a whole version (`1.3.0`, `v1.3.0`, `[1.3.0]`; not `1.3.0-rc.1` or `11.3.0`). */
export function mentionLine(text: string, version: string): number | null {
  const v = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![0-9A-Za-z.+-])v?${v}(?![0-9A-Za-z+-]|\\.[0-9A-Za-z])`);
  const lines = text.split('\n');
  const i = lines.findIndex((l) => re.test(l));
  return i === -1 ? null : i + 1;
}

/** The changelog mentions the next version. */
export const changelogKind: GateKind<ChangelogGate> = {
  kind: 'changelog',
  async check(gate, ctx): Promise<GateOutcome> {
    const { next } = (await ctx.release()).version;
    if (next === null) return { status: 'fail', reason: 'nothing to release: no change asks for a new version, so there is no version to mention' };
    const text = await ctx.readFile(gate.path);
    if (text === null) {
      return { status: 'fail', reason: `${gate.path} does not exist`, fix: { label: `Create ${gate.path} with a section for ${next} (release-manager changelog prints one)` } };
    }
    const line = mentionLine(text, next);
    if (line === null) {
      return { status: 'fail', reason: `${gate.path} does not mention ${next}`, fix: { label: `Open ${gate.path} and add the ${next} section`, action: { kind: 'openFile', path: gate.path, line: 1 } } };
    }
    return { status: 'pass', reason: `${gate.path} mentions ${next} (line ${line})`, fix: { label: `Open ${gate.path}`, action: { kind: 'openFile', path: gate.path, line } } };
  },
};
