import { once } from '../lazy';
import * as z from 'zod';
import { stripUnsafe } from '../sanitize';
import { redactSecrets } from '../secrets';
import { clip, gateBase, repoPathSchema, type GateKind } from './kind';
import type { TreeKill } from './context';
import type { GateOutcome } from './types';

/** Extra time the engine allows a command gate past its timeout: the runner's SIGTERM-to-SIGKILL grace and reaping. */
export const COMMAND_GRACE_MS = 5_000;

const arg = once(() => z.string().max(8192).refine((s) => !s.includes('\u0000'), 'must not contain NUL'));

/** Config of a command gate: an argv array, never a shell string. */
export const commandGateSchema = once(() => z.strictObject({
  kind: z.literal('command'),
  ...gateBase('Command', 300_000),
  argv: z
    .array(arg())
    .min(1)
    .max(200)
    .refine((a) => a.length === 0 || a[0] !== '', 'argv[0] (the program) must not be empty')
    .describe('Program and arguments, e.g. ["npm", "test"]. No shell: ;, |, backticks and $() are literal arguments.'),
  cwd: repoPathSchema().default('.').describe('Repository-relative folder to run in (refused if it resolves outside the repository).'),
  maxOutputBytes: z.number().int().min(1024).max(4 * 1024 * 1024).default(64 * 1024).describe('Output kept (head and tail); the rest is counted.'),
}));
/** A parsed command gate. */
export type CommandGate = z.infer<ReturnType<typeof commandGateSchema>>;

/** The argv as one readable line (arguments with spaces or quotes JSON-quoted); display only, never executed. */
export function argvText(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs a program (only where commands are allowed); its exit code is the verdict, its tree is killed on timeout. */
export const commandKind: GateKind<CommandGate> = {
  kind: 'command',
  graceMs: COMMAND_GRACE_MS,
  async check(gate, ctx, signal): Promise<GateOutcome> {
    const shown = clip(argvText(gate.argv), 120);
    if (!ctx.commandsAllowed) {
      // Nothing is spawned. A required gate stays blocking (unknown); an advisory one is skipped.
      return {
        status: gate.required ? 'unknown' : 'skipped',
        reason: ctx.commandsBlockedReason ?? 'requires trust',
        fix: { label: `Not run: ${shown}. Command gates run only in a trusted workspace (CLI: --allow-commands).` },
      };
    }
    const run = await ctx.runCommand(gate.argv, { cwd: gate.cwd, timeoutMs: gate.timeoutMs, maxOutputBytes: gate.maxOutputBytes, signal });
    const output = redactSecrets(stripUnsafe(run.output));
    const note = run.truncated ? `\n… output capped: ${run.outputBytes} bytes written, ${gate.maxOutputBytes} kept (head and tail)\n` : '';
    const details = `$ ${oneLineSafe(argvText(gate.argv))}${gate.cwd !== '.' ? `   (in ${gate.cwd})` : ''}\n${output}${note}`;
    const fix = { label: 'Show the output', action: { kind: 'showOutput' as const, gateId: gate.id } };
    if (run.spawnError !== null) {
      return { status: 'fail', reason: `could not start ${clip(gate.argv[0]!, 80)}: ${clip(run.spawnError, 120)}`, fix: { label: 'Check the program in the gate\'s argv', action: { kind: 'openConfig' } } };
    }
    if (run.cancelled) return { status: 'skipped', reason: `cancelled; ${treeKillText(run.tree)}`, details };
    if (run.timedOut) return { status: 'fail', reason: `timed out after ${seconds(gate.timeoutMs)}; ${treeKillText(run.tree)}`, fix, details };
    // What it left running was killed; say so only when that failed or could not be checked.
    const left = run.tree && (run.tree.survivors.length > 0 || run.tree.unverified !== null) ? `\n… after it exited: ${treeKillText(run.tree)}\n` : '';
    if (run.exitCode === 0) return { status: 'pass', reason: `${shown} exited 0`, details: details + left };
    const last = lastLine(output);
    const how = run.exitCode !== null ? `exited with code ${run.exitCode}` : `was killed by ${run.signal ?? 'a signal'}`;
    return { status: 'fail', reason: `${shown} ${how}${last ? `: ${clip(last, 100)}` : ''}`, fix, details: details + left };
  },
};

const processes = (n: number) => `${n} process${n === 1 ? '' : 'es'}`;

/** What killing a gate's process tree did, told only as far as it is true. */
export function treeKillText(tree: TreeKill | undefined): string {
  if (!tree) return 'its process was stopped';
  if (tree.survivors.length > 0) {
    const shown = tree.survivors.slice(0, 3).map((s) => `pid ${s.pid} (${clip(s.error, 60)})`).join(', ');
    const more = tree.survivors.length > 3 ? ` and ${tree.survivors.length - 3} more` : '';
    return `could not kill ${shown}${more}${tree.killed > 0 ? `; killed ${processes(tree.killed)}` : ''}`;
  }
  if (tree.via === null) return `its process group was killed, but its descendants could not be listed (${clip(tree.unverified ?? 'unknown', 120)}): some may still run`;
  if (tree.via === 'taskkill') return 'its process tree was killed (taskkill /T)';
  if (tree.via === 'ps') return `its process tree was killed (${processes(tree.killed)} found by ps; without /proc a descendant orphaned before the kill cannot be found)`;
  return `its process tree was killed (${processes(tree.killed)})`;
}

function oneLineSafe(text: string): string {
  return stripUnsafe(text).replace(/\n/g, ' ');
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** "150 ms", "1 s", "1.5 s", "5 min". */
export function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
