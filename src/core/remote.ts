/**
 * Which GitHub repository a git remote names, and where its API lives. Pure: the token is attached
 * only to an API origin derived here, so a lookalike host (`github.com.attacker.example`) or a path
 * that merely mentions github.com never receives it.
 */

/** A GitHub repository and the API serving it. */
export interface GitHubRepoRef {
  owner: string;
  repo: string;
  /** Host of the web UI, lower case: `github.com` or the GHES host. */
  host: string;
  /** The API base URL (no trailing slash): `https://api.github.com` or `https://<ghes>/api/v3`. */
  apiUrl: string;
  /** Which VS Code authentication provider serves this host. */
  provider: 'github' | 'github-enterprise';
}

/** A remote's URL split into host and path, credentials dropped; null when it is not a URL or scp-like address. */
export interface ParsedRemote {
  host: string;
  path: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;
const GITHUB_HOSTS = new Set(['github.com', 'ssh.github.com']);

/** Splits a remote URL (https, http, ssh, git, scp-like `git@host:owner/repo.git`) into host and path. */
export function parseRemoteUrl(url: string): ParsedRemote | null {
  const text = url.trim();
  if (text === '' || /[\s\0]/.test(text)) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return null;
    if (parsed.hostname === '') return null;
    return { host: parsed.hostname.toLowerCase(), path: decodeURIComponent(parsed.pathname) };
  }
  const scp = SCP_LIKE.exec(text);
  if (scp?.[1] && scp[2]) return { host: scp[1].toLowerCase(), path: scp[2] };
  return null;
}

/** owner/repo from a remote path (`/owner/repo.git`, `owner/repo`), strictly; null when it is anything else. */
export function ownerRepoOf(path: string): { owner: string; repo: string } | null {
  const [owner, name, ...rest] = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (owner === undefined || name === undefined || rest.length > 0) return null;
  const repo = name.endsWith('.git') ? name.slice(0, -4) : name;
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') return null;
  return { owner, repo };
}

/**
 * The GitHub repository a remote URL names: github.com (https, ssh, `ssh.github.com`) or the
 * configured GitHub Enterprise Server host, matched exactly; null for any other host.
 */
export function githubRepoOf(url: string, enterpriseUrl?: string): GitHubRepoRef | null {
  const remote = parseRemoteUrl(url);
  if (!remote) return null;
  const names = ownerRepoOf(remote.path);
  if (!names) return null;
  if (GITHUB_HOSTS.has(remote.host)) {
    return { ...names, host: 'github.com', apiUrl: 'https://api.github.com', provider: 'github' };
  }
  const enterprise = enterpriseUrl ? enterpriseOrigin(enterpriseUrl) : null;
  if (enterprise && remote.host === enterprise.host) {
    return { ...names, host: enterprise.host, apiUrl: `${enterprise.origin}/api/v3`, provider: 'github-enterprise' };
  }
  return null;
}

/** The origin of a GitHub Enterprise Server URL setting (https only, no credentials, no path beyond `/`); null when unusable. */
export function enterpriseOrigin(url: string): { origin: string; host: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.search !== '' || parsed.hash !== '') return null;
  if (parsed.pathname !== '/' && parsed.pathname !== '/api/v3' && parsed.pathname !== '/api/v3/') return null;
  return { origin: parsed.origin, host: parsed.hostname.toLowerCase() };
}

/** Why an API base URL may not receive a token, or null when it may. http is allowed only on the loopback interface (local test servers). */
export function apiUrlProblem(apiUrl: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    return `"${apiUrl}" is not a URL`;
  }
  if (parsed.username !== '' || parsed.password !== '') return 'the API URL must not contain credentials';
  if (parsed.search !== '' || parsed.hash !== '') return 'the API URL must not have a query or fragment';
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]' || parsed.hostname === 'localhost';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && loopback) return null;
  return `the API URL must use https (got ${parsed.protocol.replace(/:$/, '')})`;
}

/**
 * True when a request URL goes to the API the token belongs to: same scheme, host and port, and a
 * path under the API's base path. Used on every request, pagination links included.
 */
export function isSameApi(requestUrl: string, apiUrl: string): boolean {
  let request: URL;
  let api: URL;
  try {
    request = new URL(requestUrl);
    api = new URL(apiUrl);
  } catch {
    return false;
  }
  if (request.origin !== api.origin) return false;
  const base = api.pathname.replace(/\/+$/, '');
  return base === '' || request.pathname === base || request.pathname.startsWith(`${base}/`);
}

/** A remote URL fit to show: credentials (`user:token@`) removed. */
export function displayRemote(url: string): string {
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}
