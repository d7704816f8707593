import { findNodeAtLocation, parseTree, type ParseError } from 'jsonc-parser';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/config';
import type { ReleaseModel } from './releaseModel';

/** Shows config problems as diagnostics in `.release-manager.json`, placed at the offending key. */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('release-manager');
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: ReleaseModel) {
    this.sub = model.onDidChange(() => void this.update());
  }

  /** Recomputes the diagnostics of every repository's config file. */
  async update(): Promise<void> {
    this.collection.clear();
    for (const state of this.model.repositories) {
      const err = state.configError;
      if (!err) continue;
      const uri = vscode.Uri.file(join(state.root, CONFIG_FILE));
      let text = '';
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const errors: ParseError[] = [];
      const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
      const doc = { positionAt: (offset: number) => positionAt(text, offset) };
      const diagnostics = err.issues.map((issue) => {
        let range = new vscode.Range(0, 0, 0, Math.min(1, text.length));
        if (issue.path.length === 0 && errors[0]) {
          range = new vscode.Range(doc.positionAt(errors[0].offset), doc.positionAt(errors[0].offset + Math.max(1, errors[0].length)));
        } else if (tree) {
          // Walk up the path until a node exists (a missing key is reported at its parent).
          for (let n = issue.path.length; n >= 0; n--) {
            const node = findNodeAtLocation(tree, [...issue.path.slice(0, n)]);
            if (!node) continue;
            const target = node.parent?.type === 'property' && node.parent.children?.[0] ? node.parent.children[0] : node;
            range = new vscode.Range(doc.positionAt(target.offset), doc.positionAt(target.offset + target.length));
            break;
          }
        }
        const d = new vscode.Diagnostic(range, issue.message, vscode.DiagnosticSeverity.Error);
        d.source = 'Release Manager';
        return d;
      });
      this.collection.set(uri, diagnostics);
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}

function positionAt(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
}
