/**
 * Names of the channel secrets a config asks for (pure, shared by the editor's Set Channel Secret
 * command and its tests): the Slack webhook and the SMTP credentials are named, never written, in the
 * config; the editor keeps their values in SecretStorage under a namespaced key.
 */

/** The fields of a channel that name a secret (a subset of the config's channel shape). */
export interface SecretNamingChannel {
  kind: string;
  id?: string | undefined;
  webhookEnv?: string | undefined;
  userEnv?: string | undefined;
  passwordEnv?: string | undefined;
}

/** One secret a channel needs: its name (an environment variable name) and what it is for. */
export interface ChannelSecretName {
  name: string;
  /** What the secret is, for people: "Slack incoming-webhook URL (slack)". */
  purpose: string;
  /** Whether the value is a webhook URL (validated as one when set). */
  webhook: boolean;
}

/** The prefix of the editor's SecretStorage keys for channel secrets. */
export const CHANNEL_SECRET_PREFIX = 'releaseManager.channelSecret.';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The SecretStorage key of a channel secret (refuses a name that is not an environment variable name). */
export function channelSecretKey(name: string): string {
  if (!NAME.test(name)) throw new Error(`not a channel secret name: ${JSON.stringify(name.slice(0, 40))}`);
  return CHANNEL_SECRET_PREFIX + name;
}

/** Every secret the channels name, once each, in config order. */
export function channelSecretNames(channels: readonly SecretNamingChannel[]): ChannelSecretName[] {
  const out = new Map<string, ChannelSecretName>();
  for (const c of channels) {
    const id = c.id ?? c.kind;
    const add = (name: string | undefined, purpose: string, webhook: boolean) => {
      if (name === undefined || !NAME.test(name)) return;
      const seen = out.get(name);
      if (seen) seen.purpose += `; ${purpose}`;
      else out.set(name, { name, purpose, webhook });
    };
    if (c.kind === 'slack') add(c.webhookEnv, `Slack incoming-webhook URL (${id})`, true);
    if (c.kind === 'email') {
      add(c.userEnv, `SMTP user name (${id})`, false);
      add(c.passwordEnv, `SMTP password (${id})`, false);
    }
  }
  return [...out.values()];
}

/**
 * Why a typed secret is not acceptable, or null. Never repeats the value: a validation message is shown
 * on screen. A webhook must be an https URL (http only on loopback, for local receivers).
 */
export function secretProblem(value: string, webhook: boolean): string | null {
  if (value.trim() === '') return 'Type the secret (or press Escape to cancel).';
  if (/[\r\n\0]/.test(value)) return 'The secret must be one line.';
  if (value.length > 4096) return 'The secret is longer than 4096 characters.';
  if (!webhook) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'A webhook must be a URL (https://hooks.slack.com/services/…).';
  }
  if (url.protocol === 'https:') return null;
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol === 'http:' && loopback) return null;
  return 'A webhook must be an https URL (plain http only on 127.0.0.1 / localhost).';
}
