/**
 * Channel secrets in the editor: Release: Set Channel Secret / Clear Channel Secret keep the Slack
 * webhook URL and SMTP credentials in VS Code's SecretStorage under `releaseManager.channelSecret.<NAME>`,
 * and `editorSecrets` reads them for a send. Values are never logged, shown, put in a webview or a file.
 * No fallback to the extension host's environment: the names come from the repository's config, and a
 * config naming any variable of the user's shell (AWS_SECRET_ACCESS_KEY as an SMTP password for a host of
 * its choosing) must not be able to send it anywhere. The CLI reads the environment, which CI sets on purpose.
 */
import * as vscode from 'vscode';
import { UsageError } from '../../core/errors';
import { channelSecretKey, channelSecretNames, secretProblem, type ChannelSecretName, type SecretNamingChannel } from '../../shared/channelSecrets';
import type { CommandContext } from '../commandContext';
import { pickRepository } from '../pickRepository';

/** Where a send reads secrets (the shape of the announce flow's SecretSource port). */
export interface EditorSecretSource {
  get(name: string): Promise<string | undefined>;
}

/** The editor's SecretSource: SecretStorage only (an explicit `env` map is for tests and callers that chose one). */
export function editorSecrets(secrets: Pick<vscode.SecretStorage, 'get'>, options: { env?: Record<string, string | undefined> } = {}): EditorSecretSource {
  const env = options.env;
  return {
    async get(name) {
      const stored = await secrets.get(channelSecretKey(name));
      if (stored !== undefined && stored !== '') return stored;
      const fromEnv = env?.[name];
      return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
    },
  };
}

/** Arguments for callers that skip the pickers (tests): the repository, the secret's name, its value. */
interface SecretArgs {
  root?: string;
  name?: string;
  value?: string;
}

function secretArgsOf(value: unknown): SecretArgs {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: SecretArgs = {};
  if (typeof v.root === 'string') out.root = v.root;
  if (typeof v.name === 'string') out.name = v.name;
  if (typeof v.value === 'string') out.value = v.value;
  return out;
}

type SecretContext = Pick<CommandContext, 'model' | 'log' | 'secrets'>;

/** The secrets the repository's channels name (an error naming the fix when there are none). */
async function namesOf(ctx: SecretContext, root: string | undefined): Promise<ChannelSecretName[] | undefined> {
  await ctx.model.settled();
  const state = await pickRepository(ctx.model, root);
  if (!state) return undefined;
  const channels = ((state.config as { announce?: { channels?: readonly SecretNamingChannel[] } } | null)?.announce?.channels ?? []) as readonly SecretNamingChannel[];
  const names = channelSecretNames(channels);
  if (names.length === 0) {
    throw new UsageError(
      'No announcement channel of this repository needs a secret.',
      'Add a Slack channel ("webhookEnv") or an e-mail channel ("userEnv", "passwordEnv") under "announce.channels" in .release-manager.json (Open Config).',
    );
  }
  return names;
}

async function pickName(ctx: SecretContext, names: ChannelSecretName[], title: string, preset: string | undefined): Promise<ChannelSecretName | undefined> {
  if (preset !== undefined) {
    const found = names.find((n) => n.name === preset);
    if (!found) throw new UsageError(`${preset.slice(0, 64)} is not a secret the announcement channels name.`, `Use one of: ${names.map((n) => n.name).join(', ')}.`);
    return found;
  }
  const items = await Promise.all(
    names.map(async (n) => ({ label: n.name, description: (await ctx.secrets.get(channelSecretKey(n.name))) !== undefined ? 'set in this editor' : 'not set', detail: n.purpose, value: n })),
  );
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Which channel secret?', ignoreFocusOut: true }))?.value;
}

/** Release: Set Channel Secret — picks a secret the channels name and stores the typed value (password box) in SecretStorage. */
export function setChannelSecretCommand(ctx: SecretContext): (...args: unknown[]) => Promise<boolean> {
  return async (first) => {
    const args = secretArgsOf(first);
    const names = await namesOf(ctx, args.root);
    if (!names) return false;
    const secret = await pickName(ctx, names, 'Release: Set Channel Secret', args.name);
    if (!secret) return false;
    let value = args.value;
    if (value === undefined) {
      value = await vscode.window.showInputBox({
        title: `Release: Set Channel Secret — ${secret.name}`,
        prompt: `${secret.purpose}. Kept in VS Code's secret storage; never written to the repository, logged or shown.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => secretProblem(v, secret.webhook),
      });
      if (value === undefined) return false;
    }
    const problem = secretProblem(value, secret.webhook);
    if (problem) throw new UsageError(`${secret.name} was not stored: ${problem}`, 'Run Release: Set Channel Secret again.');
    await ctx.secrets.store(channelSecretKey(secret.name), value.trim());
    ctx.log.info(`channel secret ${secret.name} stored in the editor's secret storage`);
    void vscode.window.showInformationMessage(`${secret.name} is stored in the editor's secret storage.`);
    return true;
  };
}

/** Release: Clear Channel Secret — removes a channel secret from SecretStorage. */
export function clearChannelSecretCommand(ctx: SecretContext): (...args: unknown[]) => Promise<boolean> {
  return async (first) => {
    const args = secretArgsOf(first);
    const names = await namesOf(ctx, args.root);
    if (!names) return false;
    const secret = await pickName(ctx, names, 'Release: Clear Channel Secret', args.name);
    if (!secret) return false;
    await ctx.secrets.delete(channelSecretKey(secret.name));
    ctx.log.info(`channel secret ${secret.name} cleared from the editor's secret storage`);
    void vscode.window.showInformationMessage(`${secret.name} is no longer stored in the editor.`);
    return true;
  };
}
