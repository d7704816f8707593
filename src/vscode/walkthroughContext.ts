/**
 * The context keys the Get Started walkthrough's steps complete on (`onContext:` completion events), true
 * to what the user did by any route: a config file created by hand, a sign-in from the Accounts menu, an
 * environment added in the editor, a deploy from the CLI. Updated on repository (config), sign-in (GitHub view,
 * which follows the sessions) and deploy changes. The sign-in key is looked up on its own (a silent session lookup
 * may wait seconds for an account provider): it never delays the config, environment and deploy keys.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/config';
import type { Logger } from '../core/ports';
import type { DeployView } from './deployView';
import { GITHUB_SCOPES, githubSettings } from './github';
import type { GitHubView } from './githubView';
import { CONTEXT } from './ids';
import type { ReleaseModel } from './releaseModel';

/** The walkthrough's keys and their current values. */
export interface WalkthroughKeys {
  hasConfig: boolean;
  signedIn: boolean;
  hasEnvironment: boolean;
  deployed: boolean;
}

/** The keys this file sets (the in-host test checks each `onContext` of the walkthrough is one of them). */
export const WALKTHROUGH_CONTEXT_KEYS: readonly string[] = [CONTEXT.hasConfig, CONTEXT.signedIn, CONTEXT.hasEnvironment, CONTEXT.deployed];

/** How long a silent session lookup may take (VS Code itself waits about 5 s for a provider that may never register). */
const SILENT_MS = 6000;

async function hasSession(provider: string): Promise<boolean> {
  const lookup = Promise.resolve(vscode.authentication.getSession(provider, GITHUB_SCOPES, { silent: true })).then(
    (s) => s !== undefined,
    () => false,
  );
  return Promise.race([lookup, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), SILENT_MS))]);
}

/** Keeps the walkthrough's context keys current; `current()` is what was set last. */
export class WalkthroughContext implements vscode.Disposable {
  private values: WalkthroughKeys = { hasConfig: false, signedIn: false, hasEnvironment: false, deployed: false };
  private readonly known = new Set<keyof WalkthroughKeys>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private sessionTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest session lookup: an older one that answers later is dropped. */
  private sessionGeneration = 0;
  private disposed = false;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly githubView: GitHubView,
    private readonly deployView: DeployView,
    private readonly log: Logger,
  ) {
    const schedule = () => this.schedule();
    const session = () => this.scheduleSession();
    this.subs = [
      model.onDidChange(() => (schedule(), session())),
      deployView.onDidChange(schedule),
      githubView.onDidChange(session),
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'github' || e.provider.id === 'github-enterprise') session();
      }),
    ];
    this.schedule();
    this.scheduleSession();
  }

  /** The values set last (all false until the first update). */
  current(): WalkthroughKeys {
    return { ...this.values };
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // One update at a time, in order (each is quick: a stat and the journals per repository).
      this.running = this.running.then(() => this.update()).catch((e: unknown) => this.log.warn(`walkthrough context not updated: ${e instanceof Error ? e.message : String(e)}`));
    }, 150);
  }

  /** Looks the session up again, outside the chain above; the newest lookup's answer wins. */
  private scheduleSession(): void {
    if (this.sessionTimer !== undefined) clearTimeout(this.sessionTimer);
    this.sessionTimer = setTimeout(() => {
      this.sessionTimer = undefined;
      const generation = ++this.sessionGeneration;
      void this.signedIn()
        .then((signedIn) => (generation === this.sessionGeneration && !this.disposed ? this.set({ signedIn }) : undefined))
        .catch((e: unknown) => this.log.warn(`walkthrough sign-in key not updated: ${e instanceof Error ? e.message : String(e)}`));
    }, 150);
  }

  /** Whether a GitHub (or GitHub Enterprise Server, when configured) session exists; may wait for a provider that registers late (or never). */
  private async signedIn(): Promise<boolean> {
    const [github, enterprise] = await Promise.all([hasSession('github'), githubSettings().enterpriseUrl ? hasSession('github-enterprise') : Promise.resolve(false)]);
    return github || enterprise;
  }

  private async update(): Promise<void> {
    const repos = this.model.repositories;
    const exists = (root: string) =>
      vscode.workspace.fs.stat(vscode.Uri.file(join(root, CONFIG_FILE))).then(
        () => true,
        () => false,
      );
    const [configs, journals] = await Promise.all([Promise.all(repos.map((r) => exists(r.root))), Promise.all(repos.map((r) => this.deployView.journals(r.root)))]);
    if (this.disposed) return;
    await this.set({
      hasConfig: configs.some(Boolean),
      hasEnvironment: repos.some((r) => (r.config?.deploy?.environments.length ?? 0) > 0),
      deployed: journals.flat().some((j) => j.plan.operation === 'deploy' && j.state === 'healthy'),
    });
  }

  /** Sets the keys whose value changed. */
  private async set(values: Partial<WalkthroughKeys>): Promise<void> {
    const keys = { hasConfig: CONTEXT.hasConfig, signedIn: CONTEXT.signedIn, hasEnvironment: CONTEXT.hasEnvironment, deployed: CONTEXT.deployed } as const;
    const changed = (Object.entries(values) as [keyof WalkthroughKeys, boolean][]).filter(([k, v]) => !this.known.has(k) || this.values[k] !== v);
    await Promise.all(changed.map(([k, v]) => vscode.commands.executeCommand('setContext', keys[k], v)));
    for (const [k, v] of changed) {
      this.values[k] = v;
      this.known.add(k);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.sessionTimer !== undefined) clearTimeout(this.sessionTimer);
    for (const s of this.subs) s.dispose();
  }
}
