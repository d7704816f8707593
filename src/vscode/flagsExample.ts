/** The `flags` example Add Feature Flags to Config inserts into .release-manager.json (pure: no 'vscode'). */
import { applyEdits, modify, parseTree, findNodeAtLocation } from 'jsonc-parser';

/** A working `flags` section: a local Unleash, one flag ramped 1 → 10 → 50 → 100 in production. */
export const FLAGS_EXAMPLE = {
  provider: { kind: 'unleash', url: 'http://127.0.0.1:4242', project: 'default', tokenEnv: 'UNLEASH_ADMIN_TOKEN' },
  rollouts: [{ flag: 'new-checkout', environment: 'production', steps: [1, 10, 50, 100], hold: '10m', health: [], rollback: { rollout: 0, disable: true } }],
};

/** The config text with the example `flags` section added (formatted like the file), or null when it already has one. */
export function flagsExampleEdit(text: string): string | null {
  const source = text.trim() === '' ? '{}\n' : text;
  const tree = parseTree(source);
  if (tree && tree.type === 'object' && findNodeAtLocation(tree, ['flags']) !== undefined) return null;
  if (!tree || tree.type !== 'object') throw new Error('The config is not a JSON object: fix it first (Open Config).');
  const indent = /\n( +|\t)"/.exec(source)?.[1] ?? '  ';
  const edits = modify(source, ['flags'], FLAGS_EXAMPLE, { formattingOptions: { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: '\n' } });
  return applyEdits(source, edits);
}
