// Entry point of the Restricted Mode in-host suite: the same runner, the folder opened untrusted.
import { runMochaSuite } from '../runMocha';

/** Called by VS Code's extension host with extensionTestsPath pointing at this folder. */
export function run(): Promise<void> {
  return runMochaSuite(__dirname, 'restricted');
}
