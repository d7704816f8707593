import { once } from './lazy';
import * as z from 'zod';

const bumpLevel = once(() => z.enum(['major', 'minor', 'patch', 'none']));

/** A section of the notes: its title and the commit types that land in it, in display order. */
export const sectionSchema = once(() => z.strictObject({
  title: z.string().min(1).max(200).describe('Heading of the section in the notes.'),
  types: z.array(z.string().min(1).max(50)).min(1).describe('Conventional Commit types listed in this section.'),
}));

/** The fields of the release configuration that decide what the notes hold and which version they bump to. */
export const notesRulesShape = once(() => ({
  sections: z
    .array(sectionSchema())
    .default(() => [
      { title: 'Features', types: ['feat'] },
      { title: 'Bug Fixes', types: ['fix'] },
      { title: 'Performance', types: ['perf'] },
      { title: 'Reverts', types: ['revert'] },
      { title: 'Documentation', types: ['docs'] },
      { title: 'Refactoring', types: ['refactor'] },
    ])
    .describe('Sections of the notes in display order and the commit types in each.'),
  breakingTitle: z.string().min(1).max(200).default('⚠ Breaking Changes').describe('Heading of the breaking-changes section (always first).'),
  hiddenTypes: z
    .array(z.string().min(1).max(50))
    .default(() => ['chore', 'ci', 'build', 'test', 'style'])
    .describe('Commit types left out of the notes unless breaking.'),
  other: z
    .strictObject({
      title: z.string().min(1).max(200).default('Other changes'),
      hidden: z.boolean().default(false),
    })
    .default(() => ({ title: 'Other changes', hidden: false }))
    .describe('Commits that do not follow Conventional Commits, and types without a section.'),
  bump: z
    .record(z.string().min(1).max(50), bumpLevel())
    .default(() => ({ feat: 'minor', fix: 'patch', perf: 'patch', revert: 'patch' }) as Record<string, 'major' | 'minor' | 'patch' | 'none'>)
    .describe('Version bump each commit type causes.'),
  otherBump: bumpLevel().default('patch').describe('Bump caused by a commit that does not follow Conventional Commits.'),
  breakingBelow1: z.enum(['major', 'minor']).default('minor').describe('Bump caused by a breaking change while the version is below 1.0.0.'),
  maintenanceBranches: z
    .array(z.string().min(1).max(200))
    .default(() => ['release/*', 'maint/*', 'hotfix/*', '*.x'])
    .describe('Branch patterns (* matches within a segment) whose releases are hotfixes: patch only.'),
  skipMarkers: z
    .array(z.string().min(1).max(100))
    .default(() => ['[skip changelog]', '[changelog skip]', '[skip-changelog]', '[no changelog]'])
    .describe('A commit whose message contains one of these is left out of the notes.'),
  excludeScopes: z
    .array(z.string().regex(/^[a-z0-9-]+\([^)]+\)$/i, 'must look like type(scope)'))
    .default(() => ['chore(release)'])
    .describe('type(scope) pairs left out of the notes, such as release commits.'),
  releaseCommits: z
    .enum(['hide', 'show'])
    .default('hide')
    .describe(
      'Release commits (chore(release): …, release: v1.2.3, chore: release 1.2.3, a subject that is only a version such as 1.2.3): "hide" leaves them out of the notes and the change counts; "show" lists them like other commits (hiddenTypes and excludeScopes still apply). They never bump the version.',
    ),
  mentions: z.enum(['neutralize', 'allow']).default('neutralize').describe('Whether @mentions in commit text may ping people.'),
}));

/** The notes rules on their own (sections, hidden types, bumps, skip markers…), as commits, changes, notes and version read them. */
export const notesRulesSchema = once(() => z.strictObject(notesRulesShape()));

/** The parsed, defaulted notes rules; every ReleaseConfig is one. */
export type NotesRules = z.infer<ReturnType<typeof notesRulesSchema>>;
