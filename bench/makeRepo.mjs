// Builds deterministic synthetic git repositories for the benchmark with `git fast-import`, cached under bench/.cache/.
// Rebuilt automatically when GENERATOR_VERSION or a spec changes; delete bench/.cache/ to force a rebuild.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the generator changes: every cached repository is rebuilt. */
export const GENERATOR_VERSION = 4;

/** The repositories of the benchmark: linear histories, release tags spaced evenly, unreleased commits at the tip. */
export const REPOS = {
  big: { commits: 100_000, tags: 1_000, unreleased: 50, seed: 0x5eed01 },
  manyTags: { commits: 20_000, tags: 12_000, unreleased: 30, seed: 0x5eed02 },
};

/** Branch holding one extra commit by a first-time contributor on top of main (for the first-contribution lookup). */
export const NEWCOMER_BRANCH = 'newcomer';

const AUTHORS = [
  ['Alice Doe', 'alice@example.com', '+0000', 9],
  ['Bob Roe', 'bob@example.com', '-0700', 7],
  ['Carol Poe', 'carol@example.com', '+0100', 6],
  ['Dmitri Ivanov', 'dmitri@example.net', '+0300', 4],
  ['Zoë Müller', 'zoe@example.de', '+0200', 4],
  ['José Álvarez', 'jose@example.es', '+0100', 3],
  ['Priya Natarajan', 'priya@example.in', '+0530', 3],
  ['Wei Zhang', 'wei@example.cn', '+0800', 2],
  ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com', '+0000', 2],
  ['Sam Taylor', 'sam@example.org', '-0500', 1],
].map(([name, email, tz, weight]) => ({ name, email, tz, weight }));
const NEWCOMER = { name: 'Nova Newcomer', email: 'nova@example.org', tz: '+0000' };

const TYPES = [['feat', 28], ['fix', 34], ['perf', 5], ['docs', 12], ['chore', 11], ['refactor', 6], ['test', 4]];
const SCOPES = ['api', 'cli', 'core', 'parser', 'git', 'ui', 'config', 'auth', 'deps', 'build'];
const VERBS = ['add', 'support', 'handle', 'speed up', 'simplify', 'remove', 'validate', 'cache', 'document', 'rename'];
const OBJECTS = ['tag parsing', 'the config loader', 'empty ranges', 'merge commits', 'unicode names', 'the --repo flag', 'long messages', 'retry logic', 'the JSON output', 'shallow clones', 'path filters', 'error messages'];
const PLAIN = ['Update README', 'Fix typo', 'Bump dependencies', 'WIP', 'Clean up tests', 'Tweak CI workflow', 'Address review comments', 'Refactor helpers', 'Small fixes', 'Format code'];
const BODY = [
  'The previous behaviour surprised users on large repositories.',
  'This keeps the output stable across platforms.',
  'Callers no longer need to pass the option explicitly.',
  'See the discussion in the linked issue for the trade-offs.',
  'Measured locally: no change in the common case.',
];
const DIRS = ['src/core', 'src/cli', 'src/git', 'src/ui', 'test/unit', 'docs'];
const FILES = Array.from({ length: 40 }, (_, i) => `file${String(i).padStart(2, '0')}`);
const BASE_TIME = 1_500_000_000;

/** Mulberry32: a small seeded PRNG, so every build of a repository is byte-identical. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element of `list`. */
function pick(rng, list) {
  return list[Math.floor(rng() * list.length)];
}

/** Picks from [value, weight] pairs (or objects with .weight). */
function weighted(rng, items, weightOf) {
  const total = items.reduce((s, it) => s + weightOf(it), 0);
  let r = rng() * total;
  for (const it of items) if ((r -= weightOf(it)) < 0) return it;
  return items[items.length - 1];
}

/** One commit message: Conventional Commits (scopes, bodies, BREAKING CHANGE footers, PR suffixes, co-authors) or plain. */
function commitMessage(rng, i, author) {
  let subject;
  let bump = 'patch';
  if (rng() < 0.2) subject = pick(rng, PLAIN);
  else {
    const type = weighted(rng, TYPES, (t) => t[1])[0];
    const scope = rng() < 0.7 ? `(${pick(rng, SCOPES)})` : '';
    const bang = rng() < 0.0005 ? '!' : '';
    subject = `${type}${scope}${bang}: ${pick(rng, VERBS)} ${pick(rng, OBJECTS)}`;
    if (type === 'feat') bump = 'minor';
    if (bang) bump = 'major';
  }
  if (rng() < 0.4) subject += ` (#${1 + Math.floor(i / 2)})`;
  const paragraphs = [subject];
  if (rng() < 0.3) paragraphs.push(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, BODY)).join('\n'));
  const footers = [];
  const breaking = rng() < 0.0008;
  if (breaking && bump !== 'major' && /^(feat|fix)/.test(subject)) {
    footers.push(`BREAKING CHANGE: ${pick(rng, OBJECTS)} now behaves differently;\nupdate your configuration.`);
    bump = 'major';
  }
  if (rng() < 0.03) {
    const co = pick(rng, AUTHORS);
    if (co !== author) footers.push(`Co-authored-by: ${co.name} <${co.email}>`);
  }
  if (footers.length > 0) paragraphs.push(footers.join('\n'));
  return { text: paragraphs.join('\n\n') + '\n', bump };
}

/** A fast-import `data` block (byte-counted, so non-ASCII text is safe). */
function data(text) {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** A fast-import commit that modifies one small file. */
function commitCommand(ref, mark, author, time, message, path, content) {
  const who = `${author.name} <${author.email}> ${time} ${author.tz}`;
  return `commit ${ref}\nmark :${mark}\nauthor ${who}\ncommitter ${who}\n${data(message)}M 100644 inline ${path}\n${data(content)}\n`;
}

/** Indices (0-based) of the tagged commits: evenly spaced over the released part, with jitter when spacing allows. */
function tagPositions(rng, spec) {
  const released = spec.commits - spec.unreleased;
  const step = released / spec.tags;
  const jitter = step >= 10 ? Math.floor(step / 5) : 0;
  const out = [];
  for (let t = 0; t < spec.tags; t++) {
    const at = Math.round((t + 1) * step) - 1;
    const moved = t === spec.tags - 1 ? released - 1 : at + Math.round((rng() * 2 - 1) * jitter);
    out.push(Math.max(out.length ? out[out.length - 1] + 1 : 0, Math.min(moved, released - 1)));
  }
  return out;
}

/** Applies the strongest bump of a release to [major, minor, patch]. */
function nextVersion(v, bump) {
  if (bump === 'major') return [v[0] + 1, 0, 0];
  if (bump === 'minor') return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

const RANK = { patch: 0, minor: 1, major: 2 };

/** Generates the whole fast-import stream of one repository, in chunks (a generator keeps memory flat). */
function* fastImportStream(spec) {
  const rng = prng(spec.seed);
  const tagAt = new Set(tagPositions(rng, spec));
  const tags = [];
  let version = [0, 0, 0];
  let pending = 'minor'; // the first release is 0.1.0
  let chunk = '';
  for (let i = 0; i < spec.commits; i++) {
    const author = weighted(rng, AUTHORS, (a) => a.weight);
    const msg = commitMessage(rng, i, author);
    if (RANK[msg.bump] > RANK[pending]) pending = msg.bump;
    const path = `${pick(rng, DIRS)}/${pick(rng, FILES)}.ts`;
    const time = BASE_TIME + i * 600 + Math.floor(rng() * 300);
    chunk += commitCommand('refs/heads/main', i + 1, author, time, msg.text, path, `export const revision = ${i};\n`);
    if (tagAt.has(i)) {
      version = nextVersion(version, pending);
      pending = 'patch';
      tags.push({ name: `v${version.join('.')}`, mark: i + 1, time: time + 60, annotated: rng() < 0.5 });
    }
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  const last = BASE_TIME + spec.commits * 600;
  chunk += `commit refs/heads/${NEWCOMER_BRANCH}\nmark :${spec.commits + 1}\nauthor ${NEWCOMER.name} <${NEWCOMER.email}> ${last} +0000\n`;
  chunk += `committer ${NEWCOMER.name} <${NEWCOMER.email}> ${last} +0000\n${data('fix(cli): accept a trailing slash in --repo (#99999)\n')}from :${spec.commits}\n`;
  chunk += `M 100644 inline CONTRIBUTORS.md\n${data('- Nova Newcomer\n')}\n`;
  const maintainer = AUTHORS[0];
  for (const t of tags) {
    if (t.annotated) chunk += `tag ${t.name}\nfrom :${t.mark}\ntagger ${maintainer.name} <${maintainer.email}> ${t.time} +0000\n${data(`Release ${t.name}\n`)}`;
    else chunk += `reset refs/tags/${t.name}\nfrom :${t.mark}\n\n`;
  }
  yield chunk;
}

/** Our environment without GIT_* variables (a GIT_DIR from a hook must not redirect the build), and no system config. */
function gitEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return { ...env, GIT_CONFIG_NOSYSTEM: '1' };
}

/** Runs git synchronously in `cwd`. */
function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Pipes the generated stream into `git fast-import`, honouring back-pressure. */
async function fastImport(dir, spec) {
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env: gitEnv(), stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`))));
  });
  for (const chunk of fastImportStream(spec)) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
}

/** Creates the repository from scratch in `dir`: import, check out main, then pack refs and write the commit-graph like a maintained clone. */
async function build(dir, spec) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  await fastImport(dir, spec);
  git(dir, 'reset', '-q', '--hard', 'main');
  git(dir, 'pack-refs', '--all');
  git(dir, 'commit-graph', 'write', '--reachable');
}

/** Returns the path of the named repository, building it first when it is missing or stale (generator or spec changed). */
export async function ensureRepo(cacheDir, name, log = () => {}) {
  const spec = REPOS[name];
  const dir = join(cacheDir, name);
  const stampFile = join(cacheDir, `${name}.stamp.json`);
  const stamp = JSON.stringify({ GENERATOR_VERSION, spec });
  if (existsSync(dir) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  log(`building ${name}: ${spec.commits} commits, ${spec.tags} tags (cached in ${cacheDir}) ...`);
  const started = Date.now();
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  await build(tmp, spec);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(stampFile, stamp);
  log(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}
