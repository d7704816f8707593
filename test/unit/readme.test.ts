// The README is a front door and the details live in docs/ and CONTRIBUTING.md: these tests keep the two
// honest (links resolve inside the repository, the two commands are the real ones, moved facts are still
// documented, config examples parse).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { releaseConfigSchema, parseConfig } from '../../src/core/config';

const ROOT = resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
const PAGES = ['README.md', 'CONTRIBUTING.md', ...DOCS];
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  bin: Record<string, string>;
  scripts: Record<string, string>;
  contributes: { configuration: { properties: Record<string, unknown> } };
};

/** The markdown with fenced code blocks and inline code spans removed (what renders as prose and links). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of the markdown links and images of `markdown` (outside code). */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const reference = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  const autolinks = [...text.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]+)>/gi)].map((m) => m[1]!);
  return [...inline, ...reference, ...autolinks];
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors the headings of a markdown file define. */
function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => slug(m[1]!)));
}

/** The JSON code blocks of a markdown file. */
function jsonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README as the front door', () => {
  const readme = read('README.md');

  it('stays short: about 100 lines, with the details in docs/', () => {
    const lines = readme.split('\n').length;
    assert.ok(lines <= 120, `README.md has ${lines} lines`);
    assert.ok(DOCS.length >= 5, `docs/ has ${DOCS.length} pages`);
  });

  it('shows the hero screenshot, which exists', () => {
    const image = linkTargets(readme).find((t) => t.endsWith('.png'));
    assert.equal(image, 'docs/screenshot.png');
    assert.ok(statSync(join(ROOT, image)).size > 10_000, 'docs/screenshot.png is a real picture');
  });

  it('says the prerequisites on its first screen: the Node of package.json, Debian/Ubuntu packages, the first download', () => {
    const firstScreen = readme.split('\n').slice(0, 30).join('\n');
    const node = /^>=\s*(\d+)/.exec(packageJson.engines.node)?.[1];
    assert.ok(node, `engines.node ${packageJson.engines.node}`);
    assert.match(firstScreen, new RegExp(`Node ≥ ${node}\\b`));
    assert.match(firstScreen, /Debian or Ubuntu/);
    assert.match(firstScreen, /root \(or sudo\)/);
    assert.match(firstScreen, /\.vscode-test\//);
  });

  it('lists the system packages the first run installs (scripts/vscode-test/config.mjs)', async () => {
    const config = (await import(pathToFileURL(join(ROOT, 'scripts/vscode-test/config.mjs')).href)) as { SYSTEM_PACKAGES: string[]; CODE_SERVER_PACKAGES: string[] };
    assert.ok(config.SYSTEM_PACKAGES.length >= 5, `packages ${config.SYSTEM_PACKAGES.join(' ')}`);
    for (const name of config.SYSTEM_PACKAGES) assert.ok(readme.includes(`\`${name}\``), `README names the system package ${name}`);
    // What the demo installs is said apart from what the tests add.
    const extra = config.SYSTEM_PACKAGES.filter((p) => !config.CODE_SERVER_PACKAGES.includes(p));
    const demoLine = readme.split('\n').find((l) => /npm run demo/.test(l) && /only/.test(l)) ?? '';
    assert.ok(demoLine, 'README says what npm run demo installs');
    for (const name of extra) assert.ok(!demoLine.includes(`\`${name}\``), `the demo does not install ${name}`);
  });

  it('has the two commands after cloning, and npm test is the first test command, as .ci/run calls it', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Two commands')))?.[1] ?? '';
    const commands = block.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    assert.deepEqual(commands, ['npm run demo', 'npm test']);
    assert.ok(packageJson.scripts.demo && packageJson.scripts.test, 'package.json has the demo and test scripts');
    const firstTest = /npm (?:run )?test[\w:-]*/.exec(readme)?.[0];
    assert.equal(firstTest, 'npm test');
    assert.match(read('.ci/run'), /^npm test\b/m);
  });

  it('runs the CLI by the name package.json gives its bin', () => {
    const [name] = Object.keys(packageJson.bin);
    assert.ok(name, 'package.json has a bin');
    assert.ok(readme.includes(`npx ${name} `), `README shows npx ${name}`);
    assert.ok(readme.includes(packageJson.bin[name]!.replace(/^\.\//, '')), 'README names the bin file');
  });

  it('shows a minimal config example and links to every docs page', () => {
    const examples = jsonBlocks(readme);
    assert.ok(examples.length >= 1, 'README has a config example');
    const targets = new Set(linkTargets(readme).map((t) => t.replace(/#.*/, '')));
    for (const page of [...DOCS, 'CONTRIBUTING.md']) assert.ok(targets.has(page), `README links to ${page}`);
  });
});

describe('links of README, CONTRIBUTING and docs/', () => {
  for (const page of PAGES) {
    it(`${page}: every link is relative and resolves to a file (and heading) in the repository`, () => {
      const markdown = read(page);
      const targets = linkTargets(markdown);
      assert.ok(targets.length > 0, `${page} has links`);
      for (const target of targets) {
        assert.doesNotMatch(target, /^[a-z][a-z0-9+.-]*:/i, `${page}: ${target} is not a relative link`);
        assert.ok(!target.startsWith('/'), `${page}: ${target} is absolute`);
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURIComponent(path));
        const inside = relative(ROOT, file);
        assert.ok(inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..', `${page}: ${target} points outside the repository`);
        assert.ok(existsSync(file), `${page}: ${target} does not exist`);
        if (anchor) assert.ok(anchors(readFileSync(file, 'utf8')).has(anchor), `${page}: ${target}: no heading #${anchor}`);
      }
    });

    it(`${page}: no web address outside code (no external link, no bare URL)`, () => {
      assert.doesNotMatch(prose(read(page)), /\b(?:https?|ftp|mailto):/i);
    });
  }
});

describe('docs pages hold what moved out of the README', () => {
  it('docs/cli.md documents every CLI command and option of src/cli/main.ts', () => {
    const main = read('src/cli/main.ts');
    const commands = [...(/const COMMANDS = new Set\(\[([^\]]*)\]\)/.exec(main)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    assert.ok(commands.length >= 8, `commands ${commands.join(' ')}`);
    const options = Object.keys(Object.fromEntries([...(/const OPTIONS = \{([\s\S]*?)\} as const/.exec(main)?.[1] ?? '').matchAll(/^\s*'?([a-z-]+)'?: \{/gm)].map((m) => [m[1]!, 1])));
    assert.ok(options.length >= 15, `options ${options.join(' ')}`);
    const cli = read('docs/cli.md');
    for (const command of commands) assert.match(cli, new RegExp(`release-manager ${command}\\b`), `docs/cli.md documents ${command}`);
    for (const option of options) assert.ok(cli.includes(`--${option}`), `docs/cli.md documents --${option}`);
    // announce has its own option table (its --version takes a value).
    const announce = read('src/cli/announce.ts');
    const announceOptions = [...(/const ANNOUNCE_OPTIONS = \{([\s\S]*?)\} as const/.exec(announce)?.[1] ?? '').matchAll(/^\s*'?([a-z-]+)'?: \{/gm)].map((m) => m[1]!);
    assert.ok(announceOptions.length >= 10, `announce options ${announceOptions.join(' ')}`);
    for (const option of announceOptions) assert.ok(cli.includes(`--${option}`), `docs/cli.md documents announce --${option}`);
    assert.match(cli, /Exit codes/);
  });

  it('docs/configuration.md documents every top-level key of the config schema', () => {
    const configuration = read('docs/configuration.md');
    const keys = Object.keys(releaseConfigSchema().shape);
    assert.ok(keys.length >= 15, `keys ${keys.join(' ')}`);
    for (const key of keys) assert.ok(configuration.includes(`| \`${key}\` |`), `docs/configuration.md has a row for ${key}`);
  });

  it('docs/configuration.md names every gate kind of src/core/gates', () => {
    const configuration = read('docs/configuration.md');
    const dir = join(ROOT, 'src/core/gates');
    const kinds = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/kind: z\.literal\('([^']+)'\)/g)].map((m) => m[1]!));
    assert.ok(kinds.length >= 10, `gate kinds ${kinds.join(' ')}`);
    for (const kind of kinds) assert.ok(configuration.includes(`\`${kind}\``), `docs/configuration.md names the gate kind ${kind}`);
  });

  it('docs/configuration.md documents every editor setting that package.json contributes', () => {
    const configuration = read('docs/configuration.md');
    const settings = Object.keys(packageJson.contributes.configuration.properties);
    assert.ok(settings.length >= 5);
    for (const setting of settings) assert.ok(configuration.includes(`\`${setting}\``), `docs/configuration.md documents ${setting}`);
  });

  it('the deploy guide, the benchmarks and CONTRIBUTING keep their sections', () => {
    const deploy = read('docs/deploy.md');
    for (const section of ['Providers', 'Strategies', 'Health checks', 'Promotion', 'Rollback', 'Known limits']) {
      assert.match(deploy, new RegExp(`^## ${section}$`, 'm'), `docs/deploy.md has ${section}`);
    }
    assert.match(read('docs/benchmarks.md'), /^\| Task \| git \| release-manager \| git-cliff/m, 'docs/benchmarks.md has the measured table');
    const contributing = read('CONTRIBUTING.md');
    assert.match(contributing, /npx mocha --no-config .* test\/unit\/\S+\.test\.ts/, 'CONTRIBUTING.md says how to run one test file');
    for (const script of ['test:unit', 'test:vscode', 'test:e2e']) {
      assert.ok(packageJson.scripts[script], `package.json has ${script}`);
      assert.ok(contributing.includes(`npm run ${script}`), `CONTRIBUTING.md names npm run ${script}`);
    }
    assert.match(contributing, /RELEASE_MANAGER_TEST_GREP/);
    assert.match(contributing, /Conventional Commits/);
  });
});

describe('configuration examples of README and docs/', () => {
  it('every JSON block made of config keys is accepted by the schema', () => {
    const keys = new Set(Object.keys(releaseConfigSchema().shape));
    let checked = 0;
    for (const page of PAGES) {
      for (const block of jsonBlocks(read(page))) {
        let value: unknown;
        try {
          value = JSON.parse(block);
        } catch {
          continue; // fragments (a list of gates) and contracts with placeholders
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.keys(value).every((k) => keys.has(k))) continue;
        assert.doesNotThrow(() => parseConfig(block), `${page}: example starting ${block.slice(0, 60)}`);
        checked++;
      }
    }
    assert.ok(checked >= 4, `checked ${checked} examples`);
  });
});
