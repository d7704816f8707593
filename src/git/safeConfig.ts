/**
 * Writing git commands (the version bump's commit and push) in a repository whose `.git/config` may
 * be hostile: the repository's own values of the settings git runs as programs are ignored (the
 * user's global and system values still apply), and no hook runs.
 */
import { execGit } from './gitProcess';

/** Settings whose value git runs as a program (or a shell command) during an add, a commit or a push (an empty filter command means no filter). */
const PROGRAM_KEY = /^(core\.sshcommand|core\.askpass|core\.editor|sequence\.editor|gpg\.program|gpg\.[a-z0-9]+\.program|gpg\.ssh\.defaultkeycommand|credential\.(.+\.)?helper|filter\..+\.(clean|smudge|process))$/i;
/** Single-valued settings with the value git uses when none is set (empty: none). */
const DEFAULTS: Record<string, string> = {
  'core.sshcommand': 'ssh',
  'gpg.program': 'gpg',
  'gpg.openpgp.program': 'gpg',
  'gpg.x509.program': 'gpgsm',
  'gpg.ssh.program': 'ssh-keygen',
};

/** Where hooks are looked up instead of the repository's: nowhere. */
export const NO_HOOKS = process.platform === 'win32' ? 'NUL' : '/dev/null';

/**
 * `-c` options for a commit or push in `cwd`: no hooks (core.hooksPath), no ext:: or fd:: transport,
 * and, for each program setting the repository (or worktree) config sets, the value from the user's
 * global or system config instead (or git's default). Reads the config with `git config --show-scope`.
 */
export async function safeWriteConfigArgs(gitPath: string, cwd: string, signal?: AbortSignal): Promise<string[]> {
  const args = ['-c', `core.hooksPath=${NO_HOOKS}`, '-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never'];
  const listed = await execGit(gitPath, cwd, ['config', '--show-scope', '--null', '--get-regexp', PROGRAM_KEY.source], { okCodes: [0, 1], signal });
  const entries: { scope: string; key: string; value: string }[] = [];
  // --null: "scope\0key\nvalue\0" per entry.
  const parts = listed.split('\u0000');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const scope = parts[i]!;
    const nl = parts[i + 1]!.indexOf('\n');
    const key = nl === -1 ? parts[i + 1]! : parts[i + 1]!.slice(0, nl);
    const value = nl === -1 ? '' : parts[i + 1]!.slice(nl + 1);
    entries.push({ scope, key, value });
  }
  const fromRepo = new Set(entries.filter((e) => e.scope === 'local' || e.scope === 'worktree').map((e) => e.key));
  for (const key of fromRepo) {
    const user = entries.filter((e) => e.key === key && e.scope !== 'local' && e.scope !== 'worktree' && e.scope !== 'command');
    if (/^credential\./i.test(key)) {
      // A list: an empty value clears it, then the user's own helpers come back in order.
      args.push('-c', `${key}=`);
      for (const u of user) args.push('-c', `${key}=${u.value}`);
    } else {
      const value = user.length > 0 ? user[user.length - 1]!.value : (DEFAULTS[key.toLowerCase()] ?? '');
      args.push('-c', `${key}=${value}`);
    }
  }
  return args;
}
