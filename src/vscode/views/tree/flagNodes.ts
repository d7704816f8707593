import * as vscode from 'vscode';
import { whenText } from '../../../shared/time';
import { flagRowText, type EnvironmentLoad, type FlagFixAction, type FlagRow, type FlagsSection } from '../../flagsModel';
import { COMMANDS, ITEM } from '../../ids';
import { MANAGE_TRUST } from '../../runCommand';
import type { MessageNode } from './messageNode';

/** The flag rows: the Flags section, its environments (read when expanded), and each flag's state. */
export type FlagNode =
  | { kind: 'flags'; root: string }
  | { kind: 'flagEnvironment'; root: string; environment: string }
  | { kind: 'flag'; root: string; row: FlagRow; running?: string };

/** Where the tree reads the Flags section from (the flags view). */
export interface FlagSource {
  section(root: string): FlagsSection;
  environment(root: string, environment: string): Promise<EnvironmentLoad>;
  runningText(root: string, flag: string, environment: string): string | undefined;
  onDidChange: vscode.Event<void>;
}

const KINDS: Record<FlagNode['kind'], true> = { flags: true, flagEnvironment: true, flag: true };

/** Whether a tree node is a flag row. */
export function isFlagNode(node: { kind: string }): node is FlagNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

const FIX_COMMAND: Record<FlagFixAction, { command: string; title: string }> = {
  setToken: { command: COMMANDS.setFlagToken, title: 'Set Unleash Token' },
  openConfig: { command: COMMANDS.openConfig, title: 'Open Config' },
  showLog: { command: COMMANDS.showLog, title: 'Show Log' },
};

/** The rows under a flag row: the environments of the section (or guidance), the flags of an environment (or why they could not be read). */
export function flagChildren(node: FlagNode, flags: FlagSource | undefined): (FlagNode | MessageNode)[] | Promise<(FlagNode | MessageNode)[]> {
  if (!flags) return [];
  const root = node.root;
  switch (node.kind) {
    case 'flags': {
      const s = flags.section(root);
      if (s.kind === 'none') {
        return [
          { kind: 'message', root, text: 'No feature flags configured: add a "flags" section (see docs/flags.md)', icon: 'lightbulb', command: { command: COMMANDS.addFlagsConfig, title: 'Add Feature Flags to Config' } },
        ];
      }
      if (s.kind === 'untrusted') return [{ kind: 'message', root, text: `Flags of ${s.server} are read only in a trusted workspace`, icon: 'shield', command: { command: MANAGE_TRUST, title: 'Manage Workspace Trust' } }];
      if (s.environments.length === 0) return [{ kind: 'message', root, text: 'No flag is configured yet: add a rollout to "flags.rollouts" or a "flag" gate', icon: 'info', command: { command: COMMANDS.openConfig, title: 'Open Config' } }];
      return s.environments.map((environment): FlagNode => ({ kind: 'flagEnvironment', root, environment }));
    }
    case 'flagEnvironment':
      return flags.environment(root, node.environment).then((load): (FlagNode | MessageNode)[] => {
        if (load.kind === 'error') return [{ kind: 'message', root, text: load.message, icon: 'warning', command: FIX_COMMAND[load.action] }];
        const running = (r: FlagRow) => flags.runningText(root, r.flag, r.environment);
        return load.rows.map((row): FlagNode => {
          const text = running(row);
          return text !== undefined ? { kind: 'flag', root, row, running: text } : { kind: 'flag', root, row };
        });
      });
    default:
      return [];
  }
}

/** The TreeItem of a flag row. */
export function flagItem(node: FlagNode): vscode.TreeItem {
  switch (node.kind) {
    case 'flags': {
      const item = new vscode.TreeItem('Flags', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `flags:${node.root}`;
      item.tooltip = 'Feature flags of the "flags" config per environment: rollout, on/off, last change; Ramp Up, Kill Switch, Open in Unleash.';
      item.iconPath = new vscode.ThemeIcon('symbol-boolean');
      item.contextValue = ITEM.flags;
      return item;
    }
    case 'flagEnvironment': {
      const item = new vscode.TreeItem(node.environment, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `flagEnvironment:${node.root}:${node.environment}`;
      item.tooltip = `Flags in the ${node.environment} environment of the flag provider (read when expanded).`;
      item.iconPath = new vscode.ThemeIcon('server-environment');
      item.contextValue = ITEM.flagEnvironment;
      return item;
    }
    case 'flag': {
      const row = node.row;
      const item = new vscode.TreeItem(row.flag);
      item.id = `flag:${node.root}:${row.environment}:${row.flag}`;
      const text = flagRowText(row, (iso) => whenText(iso));
      item.description = node.running !== undefined ? `${node.running}` : text.description;
      item.tooltip = node.running !== undefined ? `${text.tooltip}\nRunning here: ${node.running}` : text.tooltip;
      item.iconPath = !row.state
        ? new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground'))
        : node.running !== undefined
          ? new vscode.ThemeIcon('sync~spin')
          : row.state.enabled
            ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
            : new vscode.ThemeIcon('circle-slash');
      item.contextValue = !row.state ? ITEM.flagUnknown : row.state.enabled ? ITEM.flagOn : ITEM.flagOff;
      return item;
    }
  }
}
