import * as vscode from 'vscode';

/** A leaf that says something (an empty list, a missing sign-in, an error) and may offer a command. */
export type MessageNode = { kind: 'message'; root: string; text: string; command?: { command: string; title: string; arguments?: unknown[] }; icon?: string };

/** The row of a message: its text, an icon (info unless told) and its command if any. */
export function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text);
  item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
  if (node.command) item.command = node.command;
  return item;
}
