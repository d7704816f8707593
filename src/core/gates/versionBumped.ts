import { once } from '../lazy';
import * as semver from '../semver';
import * as z from 'zod';
import type { GateContext } from './context';
import { clip, gateBase, repoPathSchema, type GateKind } from './kind';
import { matchFirstLine, safeRegexProblem } from './safeRegex';
import type { GateOutcome } from './types';

/** Largest version file we read. */
export const MAX_VERSION_FILE_BYTES = 1024 * 1024;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const jsonPathSchema = once(() => z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be dot-separated keys, e.g. version or packages.0.version')
  .refine((p) => p.split('.').every((k) => !FORBIDDEN.has(k)), 'must not use __proto__, constructor or prototype'));

/** Where a version is written: a JSON file and the dotted path of the value, or any text file and a regex with one capture group. */
export const versionFileSchema = once(() => z
  .strictObject({
    path: repoPathSchema().describe('Repository-relative file holding a version.'),
    jsonPath: jsonPathSchema().optional().describe('Dotted path of the version in a JSON file, e.g. version.'),
    regex: z
      .string()
      .superRefine((s, ctx) => {
        const problem = safeRegexProblem(s);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('Regular expression whose one capture group is the version, matched line by line (no backreferences, lookarounds or repeated groups).'),
  })
  .refine((f) => (f.jsonPath === undefined) !== (f.regex === undefined), 'give exactly one of jsonPath and regex'));

/** Config of a version-bumped gate. */
export const versionBumpedGateSchema = once(() => z.strictObject({
  kind: z.literal('versionBumped'),
  ...gateBase('Version bumped', 30_000),
  files: z
    .array(versionFileSchema())
    .min(1)
    .max(50)
    .default(() => [{ path: 'package.json', jsonPath: 'version' }])
    .describe('Files that must all hold the next version.'),
}));
/** A parsed version-bumped gate. */
export type VersionBumpedGate = z.infer<ReturnType<typeof versionBumpedGateSchema>>;
type VersionFile = VersionBumpedGate['files'][number];

interface Found {
  path: string;
  value: string;
  line: number | undefined;
}

/** Every configured file holds the same valid semver, greater than the last release and equal to the computed next version. */
export const versionBumpedKind: GateKind<VersionBumpedGate> = {
  kind: 'versionBumped',
  async check(gate, ctx): Promise<GateOutcome> {
    const release = await ctx.release();
    const { next, current } = release.version;
    const found: Found[] = [];
    for (const file of gate.files) {
      const r = await readVersion(file, ctx);
      if ('problem' in r) return { status: 'fail', reason: r.problem, fix: r.fix };
      found.push(r);
    }
    const open = (f: Found, label: string) => ({ label, action: { kind: 'openFile' as const, path: f.path, ...(f.line !== undefined ? { line: f.line } : {}) } });
    const first = found[0]!;
    const other = found.find((f) => f.value !== first.value);
    if (other) {
      return {
        status: 'fail',
        reason: `version files disagree: ${describe(first)}, ${describe(other)}`,
        fix: open(other, `Open ${other.path} and make it ${next ?? first.value}`),
        details: found.map(describe).join('\n'),
      };
    }
    const bad = found.find((f) => semver.valid(f.value) !== f.value);
    if (bad) return { status: 'fail', reason: `${describe(bad)}, which is not a valid semver version`, fix: open(bad, `Open ${bad.path}`) };
    if (next === null) {
      return { status: 'fail', reason: `nothing to release: no change since ${release.range.from ?? 'the first commit'} asks for a new version`, fix: { label: 'Merge the changes to release first' } };
    }
    if (current !== null && !semver.gt(first.value, current)) {
      const why = semver.eq(first.value, current) ? `not bumped since the last release ${current}` : `lower than the last release ${current}`;
      const reason = next ? `${describe(first)}, expected ${next} (${why})` : `${describe(first)} (${why})`;
      return { status: 'fail', reason, fix: open(first, `Open ${first.path} and bump it${next ? ` to ${next}` : ''}`) };
    }
    if (!semver.eq(first.value, next)) {
      return { status: 'fail', reason: `${describe(first)}, expected ${next} (the computed next version)`, fix: open(first, `Open ${first.path} and set ${next}`) };
    }
    const where = found.length === 1 ? first.path : `${found.length} files`;
    return { status: 'pass', reason: `${where} ${found.length === 1 ? 'has' : 'have'} ${next}, the next version${current ? ` after ${current}` : ''}` };
  },
};

function describe(f: Found): string {
  return `${f.path} has ${clip(f.value, 60)}`;
}

async function readVersion(file: VersionFile, ctx: GateContext): Promise<Found | { problem: string; fix: GateOutcome['fix'] }> {
  const text = await ctx.readFile(file.path);
  const config = { label: 'Fix the file list of the gate', action: { kind: 'openConfig' as const } };
  if (text === null) return { problem: `${file.path} does not exist`, fix: config };
  if (text.length > MAX_VERSION_FILE_BYTES) return { problem: `${file.path} is too large to read (over ${MAX_VERSION_FILE_BYTES} bytes)`, fix: config };
  const openFile = { label: `Open ${file.path}`, action: { kind: 'openFile' as const, path: file.path } };
  if (file.regex !== undefined) {
    const m = ctx.searchLines ? await ctx.searchLines(file.regex, text) : matchFirstLine(file.regex, text);
    if (m === null) return { problem: `${file.path} has no line matching ${clip(file.regex, 80)}`, fix: openFile };
    return { path: file.path, value: m.value.trim(), line: m.line };
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { problem: `${file.path} is not valid JSON (${clip(e instanceof Error ? e.message : String(e), 100)})`, fix: openFile };
  }
  const keys = file.jsonPath!.split('.');
  let value: unknown = data;
  for (const k of keys) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, k)) {
      return { problem: `${file.path} has no ${file.jsonPath}`, fix: openFile };
    }
    value = (value as Record<string, unknown>)[k];
  }
  if (typeof value !== 'string') return { problem: `${file.path} ${file.jsonPath} is ${clip(JSON.stringify(value) ?? String(value), 60)}, not a version string`, fix: openFile };
  return { path: file.path, value, line: lineOfKey(text, keys[keys.length - 1]!, value) };
}

/** The line of `"key": "value"` in JSON text, for the editor to jump to; undefined when not found on one line. */
function lineOfKey(text: string, key: string, value: string): number | undefined {
  const needle = new RegExp(`"${escapeRe(key)}"\\s*:\\s*${escapeRe(JSON.stringify(value))}`);
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.length < 10_000 && needle.test(l));
  return i === -1 ? undefined : i + 1;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
