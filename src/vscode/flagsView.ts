/**
 * The editor's side of feature flags: the token in SecretStorage (per server, never in a file, a log
 * or a message), the provider the repository's `flags` config names, and what the tree shows of each
 * environment — read when the environment is expanded, cached until a refresh, a rollout or a kill.
 * In Restricted Mode nothing is read: the server and the token's use come from the workspace's config.
 */
import * as vscode from 'vscode';
import type { FlagProvider, SecretSource } from '../core/flags/ports';
import type { FlagsConfig } from '../core/flags/schema';
import type { Logger } from '../core/ports';
import { redactSecrets } from '../core/secrets';
import { loadFlags } from '../node/loadFlags';
import { FLAG_SECRET_PREFIX, flagSecretKey, flagsSection, loadEnvironment, type EnvironmentLoad, type FlagsSection } from './flagsModel';
import type { ReleaseModel } from './releaseModel';

/** A running rollout of this window, shown on its flag's row ("ramping · 10% · holding 4:59"). */
export interface RunningFlag {
  root: string;
  flag: string;
  environment: string;
  text: string;
}

export class FlagsView implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Promise<EnvironmentLoad>>();
  private readonly running = new Map<string, RunningFlag>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
    /** Tests and other hosts may give another fetch (never used to carry the token elsewhere). */
    private readonly fetchImpl?: typeof fetch,
  ) {
    this.subs = [
      model.onDidChange(() => this.cache.clear()),
      secrets.onDidChange((e) => {
        if (e.key.startsWith(`${FLAG_SECRET_PREFIX}/`)) this.invalidate();
      }),
    ];
  }

  /** Drops what was read and tells the tree; the tree reads again what is expanded. */
  invalidate(): void {
    this.cache.clear();
    this.changed.fire();
  }

  /** The Flags section of a repository (sync: from its parsed config and the workspace's trust). */
  section(root: string): FlagsSection {
    return flagsSection(this.model.find(root)?.config, vscode.workspace.isTrusted);
  }

  /** The SecretSource of a repository's flags config: the token set for that server (Release: Set Unleash Token). */
  secretSource(flags: FlagsConfig): SecretSource {
    return { get: async (name) => (await this.secrets.get(flagSecretKey(flags.provider.url, name))) ?? undefined };
  }

  /** Stores the token for the server of `flags` (replacing any); the tree reads again. */
  async storeToken(flags: FlagsConfig, token: string): Promise<void> {
    await this.secrets.store(flagSecretKey(flags.provider.url, flags.provider.tokenEnv), token);
  }

  /** The provider of a repository's config, with its token; throws naming the fix (no config, no token, Restricted Mode). */
  async provider(flags: FlagsConfig): Promise<FlagProvider> {
    return loadFlags().flagProviderFor(flags, this.secretSource(flags), this.fetchImpl ? { fetch: this.fetchImpl } : {});
  }

  /** An environment's flags, read on first look and cached. */
  environment(root: string, environment: string): Promise<EnvironmentLoad> {
    const key = `${root}\u0000${environment}`;
    let load = this.cache.get(key);
    if (!load) {
      load = this.read(root, environment);
      this.cache.set(key, load);
    }
    return load;
  }

  /** Marks a flag's rollout as running in this window (its row shows `text`), or done (undefined). */
  setRunning(root: string, flag: string, environment: string, text: string | undefined): void {
    const key = `${root}\u0000${environment}\u0000${flag}`;
    if (text === undefined) this.running.delete(key);
    else this.running.set(key, { root, flag, environment, text });
    this.changed.fire();
  }

  /** What a running rollout of this window says about a flag, if one runs. */
  runningText(root: string, flag: string, environment: string): string | undefined {
    return this.running.get(`${root}\u0000${environment}\u0000${flag}`)?.text;
  }

  private async read(root: string, environment: string): Promise<EnvironmentLoad> {
    const config = this.model.find(root)?.config;
    if (!vscode.workspace.isTrusted) return { kind: 'error', message: 'Flag states are read only in a trusted workspace (the server comes from its config).', action: 'showLog' };
    if (!config) return { kind: 'error', message: 'The config could not be read.', action: 'openConfig' };
    const flags = config.flags;
    const load = await loadEnvironment(config, environment, () => (flags ? this.provider(flags) : Promise.reject(new Error('no flags config'))));
    if (load.kind === 'error') this.log.warn(`Flags view (${environment}): ${redactSecrets(load.message)}`);
    return load;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
