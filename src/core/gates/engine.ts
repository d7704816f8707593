import { ReleaseError, UsageError } from '../errors';
import { oneLine, stripUnsafe } from '../sanitize';
import { redactSecrets } from '../secrets';
import { seconds } from './command';
import type { GateContext } from './context';
import type { GateKind } from './kind';
import { GATE_KIND_REGISTRY, type GateConfig } from './schema';
import { GATE_STATUSES, type GateOutcome, type GateResult } from './types';

export { verdict } from './verdict';

/** How to run a set of gates. */
export interface RunGatesOptions {
  /** Gates running at the same time (default 4). */
  concurrency?: number;
  /** Cancels the run: running and waiting gates end `skipped` ("cancelled"); running processes are killed. */
  signal?: AbortSignal;
  /** Run only these gate ids (re-running one gate alone); an unknown id is a UsageError. */
  only?: readonly string[];
  /** Called as each gate starts (for a spinner). */
  onStart?: (gate: GateConfig) => void;
  /** Called with each result as it completes (for a live checklist). */
  onResult?: (result: GateResult) => void;
}

const MAX_REASON = 500;
const MAX_DETAILS = 256 * 1024;

/**
 * Runs gates concurrently with a limit, each within its timeout, and returns their results in
 * config order. Never throws for a gate: a gate that throws, times out or returns garbage is
 * `unknown` (fail closed), never `pass`.
 */
export async function runGates(gates: readonly GateConfig[], ctx: GateContext, options: RunGatesOptions = {}): Promise<GateResult[]> {
  let selected = gates;
  if (options.only !== undefined) {
    const missing = options.only.filter((id) => !gates.some((g) => g.id === id));
    if (missing.length > 0) {
      throw new UsageError(`No gate with id ${missing.map((m) => JSON.stringify(oneLine(m).slice(0, 64))).join(', ')}.`, `Use one of: ${gates.map((g) => g.id).join(', ') || '(no gates configured)'}.`);
    }
    selected = gates.filter((g) => options.only!.includes(g.id));
  }
  const results: GateResult[] = new Array(selected.length);
  const limit = Math.max(1, Math.min(32, Math.floor(options.concurrency ?? 4)));
  let next = 0;
  const worker = async () => {
    while (next < selected.length) {
      const i = next++;
      const gate = selected[i]!;
      let result: GateResult;
      if (options.signal?.aborted) result = toResult(gate, { status: 'skipped', reason: 'cancelled' }, 0);
      else {
        notify(options.onStart, gate);
        result = await runOne(gate, ctx, options.signal);
      }
      results[i] = result;
      notify(options.onResult, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, selected.length) }, worker));
  return results;
}

/** Runs one gate: its check races its deadline and the run's cancellation; whatever comes first is the result. */
function runOne(gate: GateConfig, ctx: GateContext, parent: AbortSignal | undefined): Promise<GateResult> {
  const kind = GATE_KIND_REGISTRY[gate.kind] as GateKind<GateConfig>;
  const started = performance.now();
  const controller = new AbortController();
  return new Promise<GateResult>((resolve) => {
    let settled = false;
    const finish = (outcome: GateOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
      resolve(toResult(gate, outcome, performance.now() - started));
    };
    const onAbort = () => {
      finish({ status: 'skipped', reason: 'cancelled' });
      controller.abort(); // kills a running command's process tree
    };
    // The deadline is the backstop: gates that enforce their own timeout (commands) get their grace on top.
    const timer = setTimeout(() => {
      finish({ status: 'unknown', reason: `timed out after ${seconds(gate.timeoutMs)}`, fix: { label: 'Run it again, or raise its timeoutMs', action: { kind: 'openConfig' } } });
      controller.abort();
    }, gate.timeoutMs + (kind.graceMs ?? 0));
    parent?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(() => kind.check(gate, ctx, controller.signal))
      .then(
        (outcome) => finish(checked(outcome)),
        (error: unknown) => finish(fromError(error)),
      );
  });
}

/** A check's outcome, refused when malformed (a status we do not know is not a pass). */
function checked(outcome: GateOutcome): GateOutcome {
  if (outcome === null || typeof outcome !== 'object' || !GATE_STATUSES.includes(outcome.status) || typeof outcome.reason !== 'string') {
    return { status: 'unknown', reason: 'the check returned no valid result' };
  }
  return outcome;
}

/** A thrown error is a check that could not run: unknown, with the error's cause and fix. */
function fromError(error: unknown): GateOutcome {
  if (error instanceof ReleaseError) return { status: 'unknown', reason: error.message, fix: { label: error.fix } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'unknown', reason: `the check could not run: ${message.split('\n')[0]}` };
}

/** The result as shown anywhere: single-line, inert, credentials redacted, bounded. */
function toResult(gate: GateConfig, o: GateOutcome, ms: number): GateResult {
  const reason = redactSecrets(oneLine(o.reason));
  return {
    id: gate.id,
    title: oneLine(gate.title),
    kind: gate.kind,
    required: gate.required,
    status: o.status,
    reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason,
    ...(o.fix ? { fix: { ...o.fix, label: redactSecrets(oneLine(o.fix.label)) } } : {}),
    ...(o.details !== undefined ? { details: redactSecrets(stripUnsafe(o.details)).slice(0, MAX_DETAILS) } : {}),
    durationMs: Math.round(ms),
  };
}

function notify<T>(listener: ((value: T) => void) | undefined, value: T): void {
  try {
    listener?.(value);
  } catch {
    // A listener's fault (a disposed view) must not change any gate's result.
  }
}
