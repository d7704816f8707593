// Entry point of the trusted in-host suite (the @vscode/test-electron `run()` shape).
import { runMochaSuite } from '../runMocha';

/** Called by VS Code's extension host with extensionTestsPath pointing at this folder. */
export function run(): Promise<void> {
  return runMochaSuite(__dirname, 'suite');
}
