// Installs the Debian packages the real-VS-Code tiers need, only when some are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { SYSTEM_PACKAGES, isMain, say } from './config.mjs';

/** Packages of `names` that dpkg does not report as installed (empty when dpkg is absent). */
export function missingPackages(names = SYSTEM_PACKAGES) {
  const probe = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { encoding: 'utf8' });
  if (probe.error) return [];
  const installed = new Set(
    probe.stdout.split('\n').filter((line) => line.endsWith(' installed')).map((line) => line.split(' ')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

/** Installs missing packages with apt-get when root; otherwise prints the exact command and exits 1. */
export function ensureSystemPackages(names = SYSTEM_PACKAGES) {
  if (spawnSync('dpkg-query', ['--version']).error) {
    say('dpkg-query not found: not a Debian-like system, skipping the system package check');
    return;
  }
  const missing = missingPackages(names);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`[vscode-test] missing Debian packages: ${missing.join(' ')}`);
    console.error(`[vscode-test] fix: run as root:  ${command}`);
    process.exit(1);
  }
  say(`installing missing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
  const still = missingPackages(names);
  if (still.length) throw new Error(`apt-get did not install: ${still.join(' ')}`);
}

if (isMain(import.meta.url)) ensureSystemPackages();
