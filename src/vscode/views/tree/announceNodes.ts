import * as vscode from 'vscode';
import type { DeliveryRecord } from '../../../core/announce/types';
import type { AnnouncedVersion } from '../../announce/announcedVersions';
import type { AnnounceSnapshot } from '../../announce/history';
import { COMMANDS, ITEM } from '../../ids';
import type { MessageNode } from './messageNode';

/** The announcement rows: the section, one row per announced version, one per delivery (audience, stage, channel, when). */
export type AnnounceNode =
  | { kind: 'announcements'; root: string }
  | { kind: 'announcedVersion'; root: string; entry: AnnouncedVersion }
  | { kind: 'announcement'; root: string; record: DeliveryRecord };

/** Where the tree reads announcements from (the delivery journals). */
export interface AnnounceSource {
  snapshot(root: string): Promise<AnnounceSnapshot>;
  onDidChange: vscode.Event<void>;
}

const KINDS: Record<AnnounceNode['kind'], true> = { announcements: true, announcedVersion: true, announcement: true };

/** Whether a tree node is an announcement row. */
export function isAnnounceNode(node: { kind: string }): node is AnnounceNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under an announcement row; an empty journal offers Announce… */
export function announceChildren(node: AnnounceNode, source: AnnounceSource | undefined): (AnnounceNode | MessageNode)[] | Promise<(AnnounceNode | MessageNode)[]> {
  switch (node.kind) {
    case 'announcements':
      return source ? source.snapshot(node.root).then((snap) => sectionChildren(node.root, snap)) : [];
    case 'announcedVersion':
      return node.entry.deliveries.map((record) => ({ kind: 'announcement', root: node.root, record }));
    case 'announcement':
      return [];
  }
}

function sectionChildren(root: string, snap: AnnounceSnapshot): (AnnounceNode | MessageNode)[] {
  if (snap.kind === 'error') return [{ kind: 'message', root, text: snap.message, icon: 'warning', command: { command: COMMANDS.showLog, title: 'Show Log' } }];
  if (snap.versions.length === 0) return [{ kind: 'message', root, text: 'No announcement sent yet: Announce…', icon: 'megaphone', command: { command: COMMANDS.announce, title: 'Announce…', arguments: [{ root }] } }];
  return snap.versions.map((entry) => ({ kind: 'announcedVersion', root, entry }));
}

const STAGE: Record<DeliveryRecord['stage'], string> = { notice: 'notice', started: 'started', completed: 'completed', 'rolled-back': 'rolled back' };

/** `2026-12-08 14:00 UTC` of an ISO time. */
function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** The TreeItem of an announcement row (plain text only). */
export function announceItem(node: AnnounceNode): vscode.TreeItem {
  switch (node.kind) {
    case 'announcements': {
      const item = new vscode.TreeItem('Announcements', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `announcements:${node.root}`;
      item.iconPath = new vscode.ThemeIcon('megaphone');
      item.tooltip = 'Which notices and announcements went out, per version (the delivery journal the CLI shares)';
      item.contextValue = ITEM.announcements;
      return item;
    }
    case 'announcedVersion': {
      const e = node.entry;
      const item = new vscode.TreeItem(e.version, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `announcedVersion:${node.root}:${e.version}`;
      const notices = e.deliveries.filter((d) => d.stage === 'notice' && d.state === 'sent');
      const audiences = [...new Set(notices.map((d) => d.audience))];
      item.description = notices.length > 0 ? `notice to ${audiences.join(', ')}${e.lastSentAt ? ` · ${utc(e.lastSentAt)}` : ''}` : e.lastSentAt ? `last sent ${utc(e.lastSentAt)}` : 'nothing confirmed';
      item.tooltip = e.deliveries.map((d) => `${STAGE[d.stage]} → ${d.audience} via ${d.channel}: ${d.state}${d.sentAt ? ` ${utc(d.sentAt)}` : ''}`).join('\n');
      item.iconPath = new vscode.ThemeIcon('tag');
      item.contextValue = ITEM.announcedVersion;
      return item;
    }
    case 'announcement': {
      const r = node.record;
      const item = new vscode.TreeItem(`${STAGE[r.stage]} → ${r.audience}`);
      item.id = `announcement:${node.root}:${r.version}:${r.stage}:${r.audience}:${r.channel}`;
      const when = r.sentAt ? utc(r.sentAt) : `attempted ${utc(r.attemptedAt)}`;
      item.description = `${r.channel} · ${r.state === 'sent' ? when : r.state === 'failed' ? `failed ${utc(r.attemptedAt)}` : `unconfirmed (${when})`}`;
      item.tooltip = [
        `${STAGE[r.stage]} of ${r.version} to ${r.audience} via ${r.channel} (${r.channelKind}): ${r.state}`,
        r.sentAt ? `sent ${utc(r.sentAt)}` : `attempted ${utc(r.attemptedAt)}`,
        r.plannedAt ? `planned deploy ${utc(r.plannedAt)}` : '',
        r.answer ? `answer: ${r.answer.detail}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      item.iconPath = new vscode.ThemeIcon(r.state === 'sent' ? 'pass' : r.state === 'failed' ? 'error' : 'question');
      item.contextValue = ITEM.announcement;
      return item;
    }
  }
}
