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
  // A vite-sized monorepo (see monorepoStream): 7 packages under packages/*, per-package tags (`v5.1.0` for vite itself,
  // `create-vite@5.2.0`, `plugin-legacy@5.3.1`, … with betas), a .release-manager.json declaring them. `generator` is
  // its own version: bump it to rebuild this repository alone.
  monorepo: { kind: 'monorepo', generator: 1, commits: 10_000, tags: 1_200, unreleased: 40, seed: 0x5eed03 },
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

/** The packages of the synthetic monorepo: folder, tag name of a version, share of commits and of releases, first version, scopes and source files. */
export const MONOREPO_PACKAGES = [
  { name: 'vite', tag: (v) => `v${v}`, weight: 52, releases: 40, first: [2, 0, 0], betas: 0.25, scopes: ['hmr', 'css', 'ssr', 'optimizer', 'config', 'build', 'dev', 'deps', 'preview', 'html'], files: ['src/node/server/hmr.ts', 'src/node/plugins/css.ts', 'src/node/ssr/ssrTransform.ts', 'src/node/optimizer/index.ts', 'src/node/config.ts', 'src/node/build.ts', 'src/node/server/index.ts', 'src/node/plugins/importAnalysis.ts', 'src/client/client.ts', 'src/node/preview.ts', 'src/node/plugins/html.ts', 'src/node/utils.ts'] },
  { name: 'create-vite', tag: (v) => `create-vite@${v}`, weight: 12, releases: 16, first: [2, 0, 0], betas: 0.1, scopes: ['create-vite'], files: ['src/index.ts', 'template-react-ts/src/App.tsx', 'template-vue-ts/src/App.vue', 'template-svelte/src/App.svelte', 'template-vanilla/main.js'] },
  { name: 'plugin-legacy', tag: (v) => `plugin-legacy@${v}`, weight: 8, releases: 12, first: [1, 0, 0], betas: 0.1, scopes: ['legacy', 'plugin-legacy'], files: ['src/index.ts', 'src/snippets.ts'] },
  { name: 'plugin-react', tag: (v) => `plugin-react@${v}`, weight: 9, releases: 12, first: [1, 0, 0], betas: 0.1, scopes: ['react', 'plugin-react'], files: ['src/index.ts', 'src/fast-refresh.ts', 'src/babel.ts'] },
  { name: 'plugin-vue', tag: (v) => `plugin-vue@${v}`, weight: 8, releases: 10, first: [1, 0, 0], betas: 0.1, scopes: ['vue', 'plugin-vue'], files: ['src/index.ts', 'src/main.ts', 'src/template.ts', 'src/style.ts'] },
  { name: 'plugin-vue-jsx', tag: (v) => `plugin-vue-jsx@${v}`, weight: 4, releases: 6, first: [1, 0, 0], betas: 0, scopes: ['vue-jsx'], files: ['src/index.ts'] },
  { name: 'plugin-basic-ssl', tag: (v) => `plugin-basic-ssl@${v}`, weight: 2, releases: 4, first: [1, 0, 0], betas: 0, scopes: ['basic-ssl'], files: ['src/index.ts', 'src/certificate.ts'] },
];
/** Commits outside the packages (docs, playground, CI, scripts): their share and paths. */
const MONO_OTHER = { weight: 15, scopes: ['docs', 'deps', 'ci', 'playground'], files: ['docs/guide/index.md', 'docs/config/shared-options.md', 'docs/guide/api-plugin.md', 'playground/css/vite.config.js', 'playground/ssr/src/app.js', '.github/workflows/ci.yml', 'scripts/release.ts', 'pnpm-lock.yaml'] };
const MONO_TYPES = [['feat', 22], ['fix', 40], ['perf', 4], ['docs', 9], ['chore', 12], ['refactor', 6], ['test', 3], ['ci', 2], ['build', 2]];
const MONO_SUBJECTS = ['handle query params in import urls', 'respect base in dev', 'avoid duplicate css injection', 'support ssr.external for linked deps', 'preserve sourcemaps of virtual modules', 'do not crash on empty entry', 'resolve symlinks of workspace packages', 'cache transformed files in memory', 'update dependency esbuild to 0.19', 'warn when the port is taken', 'allow array in build.rollupOptions.input', 'typo in the plugin api guide', 'normalize windows paths', 'skip pre-bundling of linked packages', 'support import.meta.glob with query', 'reload the page on html change', 'make HMR work behind a proxy', 'keep the original error stack'];

/** The synthetic monorepo's fast-import stream: package commits with realistic paths and scopes, release commits tagged per package. */
function* monorepoStream(spec) {
  const rng = prng(spec.seed);
  const pkgs = MONOREPO_PACKAGES.map((p) => ({ ...p, version: null, pre: null, pending: 'patch' }));
  const t0 = BASE_TIME;
  const files = [];
  files.push(['.release-manager.json', JSON.stringify({ tagFormat: 'v{version}', packages: pkgs.map((p) => (p.name === 'vite' ? { name: p.name, path: `packages/${p.name}`, tagFormat: 'v{version}' } : { name: p.name, path: `packages/${p.name}` })) }, null, 2) + '\n']);
  files.push(['package.json', JSON.stringify({ name: 'vite-monorepo', private: true, workspaces: ['packages/*'] }, null, 2) + '\n']);
  files.push(['README.md', '# Vite-sized monorepo (synthetic benchmark repository)\n']);
  for (const p of pkgs) files.push([`packages/${p.name}/package.json`, JSON.stringify({ name: p.name, version: p.first.join('.') }, null, 2) + '\n']);
  const root = AUTHORS[0];
  let chunk = `commit refs/heads/main\nmark :1\nauthor ${root.name} <${root.email}> ${t0} +0000\ncommitter ${root.name} <${root.email}> ${t0} +0000\n${data('chore: initial commit\n')}`;
  for (const [path, content] of files) chunk += `M 100644 inline ${path}\n${data(content)}`;
  chunk += '\n';
  // Release slots: evenly spread over the released part, each for a package drawn by its release weight; the last one is vite's (stable).
  const released = spec.commits - spec.unreleased;
  const slots = new Map();
  for (let t = 0; t < spec.tags; t++) slots.set(Math.round(((t + 1) * (released - 1)) / spec.tags), t === spec.tags - 1 ? pkgs[0] : weighted(rng, pkgs, (p) => p.releases));
  const tags = [];
  for (let i = 1; i < spec.commits; i++) {
    const mark = i + 1;
    const author = weighted(rng, AUTHORS, (a) => a.weight);
    const time = t0 + i * 1800 + Math.floor(rng() * 900);
    const who = `${author.name} <${author.email}> ${time} ${author.tz}`;
    const pkg = slots.get(i);
    if (pkg) {
      const last = i === released - 1;
      const name = releaseName(rng, pkg, last);
      const message = `release: ${pkg.tag(name)}\n`;
      chunk += `commit refs/heads/main\nmark :${mark}\nauthor ${who}\ncommitter ${who}\n${data(message)}`;
      chunk += `M 100644 inline packages/${pkg.name}/package.json\n${data(JSON.stringify({ name: pkg.name, version: name }, null, 2) + '\n')}`;
      chunk += `M 100644 inline packages/${pkg.name}/CHANGELOG.md\n${data(`## ${name}\n\nRelease ${i}.\n`)}\n`;
      tags.push({ name: pkg.tag(name), mark, time: time + 60, annotated: rng() < 0.5 });
    } else {
      const area = rng() * 100 < MONO_OTHER.weight ? null : weighted(rng, pkgs, (p) => p.weight);
      const type = weighted(rng, MONO_TYPES, (t) => t[1])[0];
      const scope = pick(rng, area ? area.scopes : MONO_OTHER.scopes);
      const breaking = (type === 'feat' || type === 'fix') && rng() < 0.002;
      let message = `${type}(${scope})${breaking ? '!' : ''}: ${pick(rng, MONO_SUBJECTS)} (#${2000 + Math.floor(i * 1.6)})`;
      if (rng() < 0.25) message += `\n\n${pick(rng, BODY)}`;
      if (rng() < 0.03) {
        const co = pick(rng, AUTHORS);
        if (co !== author) message += `\n\nCo-authored-by: ${co.name} <${co.email}>`;
      }
      const path = area ? `packages/${area.name}/${pick(rng, area.files)}` : pick(rng, MONO_OTHER.files);
      if (area) {
        const bump = breaking ? 'major' : type === 'feat' ? 'minor' : 'patch';
        if (RANK[bump] > RANK[area.pending]) area.pending = bump;
      }
      chunk += `commit refs/heads/main\nmark :${mark}\nauthor ${who}\ncommitter ${who}\n${data(message + '\n')}M 100644 inline ${path}\n${data(`export const revision = ${i};\n`)}\n`;
    }
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  const maintainer = AUTHORS[0];
  for (const t of tags) {
    if (t.annotated) chunk += `tag ${t.name}\nfrom :${t.mark}\ntagger ${maintainer.name} <${maintainer.email}> ${t.time} +0000\n${data(`Release ${t.name}\n`)}`;
    else chunk += `reset refs/tags/${t.name}\nfrom :${t.mark}\n\n`;
  }
  yield chunk;
}

/** The version a package's next release is tagged with: the next one by its pending bump, sometimes a run of betas before it. */
function releaseName(rng, pkg, stable) {
  if (pkg.version === null) {
    pkg.version = pkg.first;
    pkg.pending = 'patch';
    return pkg.version.join('.');
  }
  if (pkg.pre && (stable || rng() < 0.4)) {
    pkg.version = pkg.pre.base;
    pkg.pre = null;
  } else if (pkg.pre) {
    pkg.pre.n += 1;
  } else {
    // Like real projects, most releases are patches even when a feature slipped in (one in ten takes the minor).
    const next = nextVersion(pkg.version, pkg.pending === 'minor' && rng() < 0.9 ? 'patch' : pkg.pending);
    pkg.pending = 'patch';
    if (!stable && next[2] === 0 && rng() < pkg.betas) pkg.pre = { base: next, n: 0 };
    else pkg.version = next;
  }
  return pkg.pre ? `${pkg.pre.base.join('.')}-beta.${pkg.pre.n}` : pkg.version.join('.');
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
  for (const chunk of spec.kind === 'monorepo' ? monorepoStream(spec) : fastImportStream(spec)) {
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
