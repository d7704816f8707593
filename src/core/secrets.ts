/**
 * Environment variable names that carry credentials or a way to obtain them (an askpass helper,
 * VS Code's git credential IPC, an ssh or gpg agent): never passed to a gate's process.
 */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SESSION_?KEY|_AUTH$|^AUTH_|ASKPASS|IPC_HANDLE|SSH_AUTH_SOCK|GPG_AGENT_INFO/i;
/** Values that look like well-known credentials whatever the variable is called. */
const TOKEN_VALUE = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|npm_[A-Za-z0-9]{36})\b/g;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
const AUTH_HEADER = /\b(authorization\s*:\s*(?:bearer|token|basic)\s+)\S+/gi;

/** True when an environment variable of this name must not reach a child process. */
export function isSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when the value looks like a known credential (GitHub, GitLab, Slack, AWS, npm tokens). */
export function looksLikeToken(value: string): boolean {
  TOKEN_VALUE.lastIndex = 0;
  return TOKEN_VALUE.test(value);
}

/** Replaces credentials in text (token-shaped values, `user:pass@` in URLs, Authorization headers) with `***`. */
export function redactSecrets(text: string): string {
  return text.replace(TOKEN_VALUE, '***').replace(URL_CREDENTIALS, '$1***@').replace(AUTH_HEADER, '$1***');
}
