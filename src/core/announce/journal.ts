/**
 * The delivery journal's rules, pure: what identifies a delivery (version + stage + audience + channel),
 * and what a send does with what the journal already holds. An attempt is journaled before anything is
 * sent, so a crash mid-send leaves an attempt without an answer; whether that one went out is decided
 * per channel (a file can be read back; a Slack post or an e-mail cannot) and never guessed.
 */
import type { DeliveryRecord } from './types';

/** The identity of a delivery: one per version, stage, audience and channel. */
export function deliveryKey(r: Pick<DeliveryRecord, 'version' | 'stage' | 'audience' | 'channel'>): string {
  return `${r.version}|${r.stage}|${r.audience}|${r.channel}`;
}

/** The newest record of each delivery key (records are kept oldest first). */
export function latestByKey(records: readonly DeliveryRecord[]): Map<string, DeliveryRecord> {
  const out = new Map<string, DeliveryRecord>();
  for (const r of records) out.set(deliveryKey(r), r);
  return out;
}

/** What to do for one delivery. */
export type DeliveryDecision =
  /** Nothing journaled, or the last try was refused by the channel: send. */
  | { kind: 'send'; previous: DeliveryRecord | null }
  /** Sent with this content already: nothing to do. */
  | { kind: 'already-sent'; record: DeliveryRecord }
  /** Sent already, with other content; sent again only when asked (`resend`). */
  | { kind: 'changed'; record: DeliveryRecord }
  /** Attempted without an answer (a crash or a cut connection): it may have gone out. Not repeated unless asked. */
  | { kind: 'unconfirmed'; record: DeliveryRecord }
  /** Another live process is sending it right now. */
  | { kind: 'in-flight'; record: DeliveryRecord };

/** How a send treats what the journal holds. */
export interface DecideOptions {
  /** Send again a delivery whose journaled content differs from the current one (a revised notice). */
  resend?: boolean;
  /** Send again an unconfirmed attempt (the person checked that it did not arrive). */
  retryUnconfirmed?: boolean;
  /** Whether the process that wrote an attempt still runs (same host only). */
  isAlive?: (record: DeliveryRecord) => boolean;
}

/** Decides one delivery from its newest record and the content to send now. */
export function decideDelivery(latest: DeliveryRecord | undefined, contentHash: string, o: DecideOptions = {}): DeliveryDecision {
  if (!latest || latest.state === 'failed') return { kind: 'send', previous: latest ?? null };
  if (latest.state === 'sent') {
    if (latest.contentHash === contentHash) return { kind: 'already-sent', record: latest };
    return o.resend ? { kind: 'send', previous: latest } : { kind: 'changed', record: latest };
  }
  if (o.isAlive?.(latest)) return { kind: 'in-flight', record: latest };
  return o.retryUnconfirmed ? { kind: 'send', previous: latest } : { kind: 'unconfirmed', record: latest };
}

/** Confirmed notices (stage notice, state sent) of a version, newest first. */
export function sentNotices(records: readonly DeliveryRecord[], version: string): DeliveryRecord[] {
  return records
    .filter((r) => r.version === version && r.stage === 'notice' && r.state === 'sent' && r.sentAt !== null)
    .sort((a, b) => Date.parse(b.sentAt!) - Date.parse(a.sentAt!));
}
