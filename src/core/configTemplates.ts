/**
 * Starting points for `.release-manager.json` (Release: Create Configuration…): a single package, a
 * monorepo (its package folders found by the caller) and one with a staging → production ladder. Pure:
 * the text is built here, the file is written by an adapter. Every template parses with `parseConfig`.
 */
import type { PackageFolder } from './monorepo';

/** The templates offered, in the order of the picker. */
export const CONFIG_TEMPLATE_IDS = ['single', 'monorepo', 'environments'] as const;
/** One template id. */
export type ConfigTemplateId = (typeof CONFIG_TEMPLATE_IDS)[number];

/** What the picker shows of a template. */
export interface ConfigTemplateInfo {
  id: ConfigTemplateId;
  label: string;
  detail: string;
}

/** The label and explanation of each template. */
export const CONFIG_TEMPLATES: readonly ConfigTemplateInfo[] = [
  { id: 'single', label: 'Single package', detail: 'Tags v1.2.3; gates: clean tree, release branch, up to date, no fixup commits, QA sign-off.' },
  { id: 'monorepo', label: 'Monorepo', detail: 'Each package released on its own with name@1.2.3 tags (the package folders found here are listed).' },
  { id: 'environments', label: 'With environments', detail: 'Single package plus a staging → production ladder deployed through GitHub Deployments.' },
];

/** Whether a string names a template. */
export function isConfigTemplateId(value: unknown): value is ConfigTemplateId {
  return typeof value === 'string' && (CONFIG_TEMPLATE_IDS as readonly string[]).includes(value);
}

const GATES = [
  { id: 'clean-tree', kind: 'cleanTree' },
  { id: 'release-branch', kind: 'releaseBranch', patterns: ['main', 'master', 'release/*'] },
  { id: 'up-to-date', kind: 'upToDate', required: false },
  { id: 'no-fixups', kind: 'noFixups', required: false },
  { id: 'qa', kind: 'manual', title: 'QA sign-off', description: 'QA tested the release candidate.' },
];

/** A package name usable in a tag: the manifest's name when it has one (scope dropped), else the folder's last segment. */
function packageName(folder: PackageFolder): string {
  const raw = folder.name?.replace(/^@[^/]+\//, '') ?? folder.path.split('/').at(-1) ?? folder.path;
  const safe = raw.replace(/[\s~^:?*[\\]+/g, '-').slice(0, 214);
  return safe === '' ? 'package' : safe;
}

/** The packages of the monorepo template: the folders found (unique names), or one example to edit when none was found. */
export function templatePackages(folders: readonly PackageFolder[]): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  for (const f of folders.slice(0, 50)) {
    let name = packageName(f);
    for (let i = 2; out.some((p) => p.name === name); i++) name = `${packageName(f)}-${i}`;
    out.push({ name, path: f.path });
  }
  return out.length > 0 ? out : [{ name: 'app', path: 'packages/app' }];
}

/** The config object of a template (`folders`: the package folders of the repository, for the monorepo template). */
export function configTemplate(id: ConfigTemplateId, folders: readonly PackageFolder[] = []): Record<string, unknown> {
  const base = { tagFormat: 'v{version}', gates: GATES, decisionLog: 'RELEASE-DECISIONS.md' };
  switch (id) {
    case 'single':
      return base;
    case 'monorepo':
      return { packages: templatePackages(folders), gates: GATES, decisionLog: 'RELEASE-DECISIONS.md' };
    case 'environments':
      return {
        ...base,
        deploy: {
          environments: [
            { name: 'staging', provider: { kind: 'deployments' }, protection: { gates: [] } },
            { name: 'production', provider: { kind: 'deployments' }, protection: { requireHealthyPreviousMs: 3_600_000, gates: ['clean-tree', 'release-branch', 'qa'] } },
          ],
        },
      };
  }
}

/** The file text of a template: two-space JSON and a final newline. */
export function configTemplateText(id: ConfigTemplateId, folders: readonly PackageFolder[] = []): string {
  return `${JSON.stringify(configTemplate(id, folders), null, 2)}\n`;
}
