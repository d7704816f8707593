import * as semver from './semver';
import { cancelReverts, collectPrepared, prepareCommit, type PreparedCommit, type RangeChanges } from './changes';
import type { Change, RawCommit } from './commits';
import type { ReleaseConfig } from './config';
import { checkRepository, describeReleased, inventoryTags, packageFor, validatePath, validateRef, type LocatedTag, type TagInventory } from './draft';
import { contributorsOf, groupSections, type Contributor, type ReleaseNotes } from './notes';
import type { GitRepo, HeadState } from './ports';
import { cacheableRender, cacheKey, keptTag, type CachedText, type ChangelogCacheKind, type ChangelogCacheState, type ChangelogCacheStore } from './changelogCache';
import { joinedReleases, publicNotes, releasePieces, sectionsJson, wholeReleasePieces, type JsonChangelog, type JsonPieces, type TextSpill } from './changelogJson';
import { renderMarkdown, renderRelease, renderSections, type RenderOptions } from './render';
import { bumpLevelOf, decideVersion } from './version';

/** What the changelog covers. */
export interface ChangelogOptions {
  to?: string;
  path?: string;
  signal?: AbortSignal;
  /**
   * Keeps what the releases up to the newest one need between runs (changelogCache.ts): a later run whose history
   * above that release is a chain of untagged commits reads only those. `tool`: this tool's version, part of the key.
   */
  cache?: { store: ChangelogCacheStore; tool: string };
}

/** The changelog as markdown: each release rendered (newest first) and the warnings of the newest one. */
export interface MarkdownChangelog {
  releases: string[];
  warnings: string[];
  /** True when the releases up to the newest one came from the cache (ChangelogOptions.cache). */
  cached?: boolean;
}

/** The reads a changelog starts with: the target, and the tags, HEAD and path filter read beside the log. */
interface ChangelogStart {
  to: string;
  toHash: string;
  path: string | undefined;
  inventory: Promise<TagInventory>;
  headRead: Promise<HeadState> | null;
  touchingRead: Promise<Set<string>> | null;
}

async function startChangelog(repo: GitRepo, config: ReleaseConfig, options: ChangelogOptions): Promise<ChangelogStart> {
  const to = validateRef(options.to ?? 'HEAD', '--to');
  const path = options.path !== undefined ? validatePath(options.path) : undefined;
  await checkRepository(repo);
  const pkg = packageFor(config, path);
  // The tags (with dates) and HEAD's branch are read beside the log, each by its own git process.
  const inventory = inventoryTags(repo, config, pkg, { dates: true });
  const headRead = to === 'HEAD' ? repo.head() : null;
  inventory.catch(() => undefined); // awaited later; never an unhandled rejection meanwhile
  headRead?.catch(() => undefined);
  // HEAD's commit comes with its branch from one git call; other refs are resolved on their own.
  const head = headRead ? await headRead : null;
  const toHash = head?.hash ? head.hash : await repo.resolveCommit(to);
  const touchingRead = path !== undefined ? repo.commitsTouching(toHash, [path], options.signal) : null;
  touchingRead?.catch(() => undefined);
  return { to, toHash, path, inventory, headRead, touchingRead };
}

/**
 * Notes for every release in the history, newest first (unreleased changes on top when there are any).
 * One streamed pass over the history: each commit belongs to the lowest release whose tag reaches it.
 */
export async function buildChangelog(repo: GitRepo, config: ReleaseConfig, options: ChangelogOptions = {}): Promise<ReleaseNotes[]> {
  const start = await startChangelog(repo, config, options);
  // Each commit is parsed as it arrives and only what the notes need is kept (not the raw text).
  const log = new PreparedLog(config);
  const odd = oddText();
  await repo.log({ from: null, to: start.toHash, paths: [], signal: options.signal }, (c) => (odd.note(c), log.add(c)));
  log.end();
  const notes = await notesOfLog(log, start, config);
  notes[0]?.warnings.push(...odd.warnings);
  return notes;
}

/** Collects the warnings of commits whose text was odd (a NUL, bytes that are not UTF-8). */
function oddText(): { warnings: string[]; note: (c: RawCommit) => void } {
  const warnings: string[] = [];
  return { warnings, note: (c) => void (c.textWarnings && warnings.push(...c.textWarnings)) };
}

/** The notes of every release from the whole prepared history (any shape: merges, several roots). */
async function notesOfLog(log: PreparedLog, start: ChangelogStart, config: ReleaseConfig): Promise<ReleaseNotes[]> {
  const touching = start.touchingRead ? await start.touchingRead : null;
  const inv = await start.inventory;

  // Releases reachable from the target, oldest version first; several tags on one commit: lowest wins.
  const tagged = new Set(inv.releases.map((t) => t.commit));
  const seenTagged = new Set<string>();
  for (const c of log.entries) if (tagged.has(c.hash)) seenTagged.add(c.hash);
  const reachable = inv.releases.filter((t) => seenTagged.has(t.commit)).reverse();
  const owner = log.linear ? ownersOfLinear(log, reachable) : ownersByWalk(log, reachable);
  const buckets: number[][] = reachable.map(() => []);
  const unreleased: number[] = [];
  owner.forEach((o, i) => (o === -1 ? unreleased : buckets[o]!).push(i));

  const credit = creditor();
  const out: ReleaseNotes[] = [];
  let previous: LocatedTag | null = null;
  let previousStable: semver.SemVer | null = null;
  const scoped = (indices: number[]) => {
    const { changes, commits } = log.collect(indices);
    if (touching === null) return { changes, commits };
    return { changes: changes.filter((c) => touching.has(c.hash)), commits: commits.filter((c) => touching.has(c.hash)) };
  };
  reachable.forEach((tag, r) => {
    const { changes, commits } = scoped(buckets[r]!);
    const { contributors, first } = credit(contributorsOf(commits));
    out.push({
      range: { from: previous?.name ?? null, to: tag.name, fromHash: previous?.commit ?? null, toHash: tag.commit },
      version: describeReleased(previousStable, tag, changes, config, tag.commit),
      date: tag.date.slice(0, 10),
      sections: groupSections(changes, config),
      contributors,
      firstTimeContributors: first,
      warnings: [],
    });
    previous = tag;
    if (tag.version.prerelease.length === 0) previousStable = tag.version;
  });
  const carried = reachable.flatMap((tag, r) => (isAbove(tag, previousStable) ? versionChanges(scoped(buckets[r]!).changes, config) : []));
  const last = await unreleasedNotes(scoped(unreleased), start, inv, previous, previousStable, credit, config, carried);
  if (last) out.push(last);
  out.reverse();
  if (out.length > 0) out[0]!.warnings.unshift(...inv.warnings);
  return out;
}

/** Credits contributors release after release, oldest first: who is new in each (`known`: credited before). */
function creditor(known: Set<string> = new Set()): ((contributors: Contributor[]) => { contributors: Contributor[]; first: Contributor[] }) & { known: Set<string> } {
  const credit = (contributors: Contributor[]) => {
    const first = contributors.filter((c) => !known.has(c.email));
    contributors.forEach((c) => known.add(c.email));
    return { contributors, first };
  };
  return Object.assign(credit, { known });
}

/** A prerelease above the last stable release: its changes still count for the next version (1.1.0-rc.0 → 1.1.0). */
function isAbove(tag: LocatedTag, stable: semver.SemVer | null): boolean {
  return tag.version.prerelease.length > 0 && (stable === null || semver.gt(tag.version, stable));
}

/** The changes of a passed prerelease that can decide the next version (kept; the rest is let go). */
function versionChanges(changes: readonly Change[], config: ReleaseConfig): Change[] {
  return changes.filter((c) => c.breaking || bumpLevelOf(c, config, null) !== 'none');
}

/**
 * The notes of the changes above the last release, or null when there are none. Their version is the
 * one `notes` and `version` give: decided from every change since the last stable release, so the
 * changes of prereleases above it (`carried`) count too.
 */
async function unreleasedNotes(
  range: RangeChanges,
  start: ChangelogStart,
  inv: TagInventory,
  previous: LocatedTag | null,
  previousStable: semver.SemVer | null,
  credit: ReturnType<typeof creditor>,
  config: ReleaseConfig,
  carried: readonly Change[] = [],
): Promise<ReleaseNotes | null> {
  const { changes, commits } = range;
  if (changes.length === 0) return null;
  const { contributors, first } = credit(contributorsOf(commits));
  const head = start.headRead ? await start.headRead : null;
  const version = decideVersion({
    current: previousStable,
    changes: carried.length > 0 ? [...changes, ...carried] : changes,
    config,
    initialVersion: inv.initialVersion,
    allVersions: inv.releases.map((t) => t.version),
    branch: head ? head.branch : null,
    prerelease: null,
    targetHash: start.toHash,
  });
  return {
    range: { from: previous?.name ?? null, to: start.to, fromHash: previous?.commit ?? null, toHash: start.toHash },
    version,
    date: null,
    sections: groupSections(changes, config),
    contributors,
    firstTimeContributors: first,
    warnings: version.warnings,
  };
}

/**
 * The changelog rendered as markdown, newest release first: the same text as renderMarkdown over
 * buildChangelog's notes.
 *
 * While the history is linear (the common case: squash or rebase merges, and the recent part of most
 * histories) each release is turned into its markdown sections as soon as the log has passed it, and
 * its commits are let go: the run keeps text, not 100k commits. From the first commit that does not
 * continue the chain, the rest of the log is kept and settled as buildChangelog does.
 */
export async function buildChangelogMarkdown(repo: GitRepo, config: ReleaseConfig, options: ChangelogOptions = {}, render: RenderOptions = {}): Promise<MarkdownChangelog> {
  const start = await startChangelog(repo, config, options);
  const odd = oddText();
  const whole = (notes: ReleaseNotes[]): MarkdownChangelog => ({ releases: notes.map((n) => renderMarkdown(n, config, render)), warnings: [...(notes[0]?.warnings ?? []), ...odd.warnings] });
  if (start.path !== undefined) {
    // Only the commits touching the path count, and that list comes from its own git process: read whole.
    const log = new PreparedLog(config);
    await repo.log({ from: null, to: start.toHash, paths: [], signal: options.signal }, (c) => (odd.note(c), log.add(c)));
    log.end();
    return whole(await notesOfLog(log, start, config));
  }

  const cache = options.cache && cacheableRender(render) ? options.cache : null;
  if (cache) {
    const warm = await fromCache(repo, config, start, cache, 'markdown', render, options.signal);
    if (warm) {
      const releases = [renderMarkdown(warm.last, config, render), ...(warm.state.releases ?? [])];
      return { releases, warnings: [...warm.inv.warnings, ...warm.last.warnings, ...warm.odd, ...warm.state.odd], cached: true };
    }
  }
  const stream = new LinearChangelog(config, render, null);
  await followLog(repo, start, stream, odd, options.signal);
  const inv = await start.inventory;
  stream.end();
  if (stream.mode === 'whole') return whole(await notesOfLog(stream.log, start, config));
  const done = await stream.finish(start, inv);
  if (cache && done.kept) await cache.store.write(done.kept.state.previous.commit, 'markdown', cacheKey('markdown', config, render, inv, cache.tool), done.kept.state);
  return { releases: done.releases, warnings: [...done.warnings, ...odd.warnings] };
}

/** What a run read from the cache: the kept state, the unreleased notes above it, and the odd texts among them. */
interface Warm {
  inv: TagInventory;
  state: ChangelogCacheState;
  blob: CachedText | null;
  last: ReleaseNotes;
  odd: string[];
}

/** A chain above the newest release longer than this is read whole instead (it was not what the cache is for). */
const WARM_LIMIT = 20_000;

/**
 * The unreleased notes from the state kept at the newest release below the target, or null when a whole run is
 * needed. The log from the target is read until its first tagged commit C; it must be a chain of untagged commits
 * (each one's only parent the next) ending at C, and C must have a state kept for this key. Anything else — a merge,
 * no tag within WARM_LIMIT commits, nothing kept at C, no change above it — is a whole run.
 */
async function fromCache(repo: GitRepo, config: ReleaseConfig, start: ChangelogStart, cache: { store: ChangelogCacheStore; tool: string }, kind: ChangelogCacheKind, render: RenderOptions, signal: AbortSignal | undefined): Promise<Warm | null> {
  const inv = await start.inventory;
  const tagged = new Set(inv.releases.map((t) => t.commit));
  if (tagged.has(start.toHash)) return null; // the target is a release: nothing above it to read
  const log = new PreparedLog(config);
  const odd = oddText();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  let below: string | null = null;
  let fits = true;
  try {
    await repo.log({ from: null, to: start.toHash, paths: [], signal: stop.signal }, (c) => {
      if (below !== null || !fits) return;
      if (tagged.has(c.hash)) below = c.hash;
      else if (log.entries.length >= WARM_LIMIT) fits = false;
      else {
        odd.note(c);
        log.add(c);
        if (log.linear) return;
        fits = false; // a merge (or a second parent) above the release: read whole
      }
      stop.abort();
    });
  } catch (e) {
    if (signal?.aborted || (below === null && fits)) throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (below === null || !fits || log.entries.length === 0) return null;
  log.link(below); // the chain ends at the release: its last commit's only parent
  if (!log.linear) return null;
  const kept = await cache.store.latest(kind, cacheKey(kind, config, render, inv, cache.tool), [below]);
  if (!kept) return null;
  const warm = async (): Promise<Warm | null> => {
    const tag = keptTag(inv, kept.state);
    if (!tag || tag.commit !== below) return null;
    const stable = kept.state.previousStable === null ? null : (inv.releases.find((t) => t.version.version === kept.state.previousStable)?.version ?? undefined);
    if (stable === undefined) return null;
    const range = log.collect(log.entries.map((_, i) => i));
    const last = await unreleasedNotes(range, start, inv, tag, stable, creditor(new Set(kept.state.known)), config, kept.state.carried);
    return last ? { inv, state: kept.state, blob: kept.blob, last, odd: odd.warnings } : null;
  };
  const found = await warm().catch((e: unknown) => (kept.blob?.close(), Promise.reject(e)));
  if (!found) kept.blob?.close();
  return found;
}

/**
 * The changelog as JSON, released one release object at a time: the bytes of `JSON.stringify(releases, null, 2)`
 * over buildChangelog's notes (each as publicNotes shows it). On a linear history each release's sections are
 * turned into JSON text as the log passes it and handed to `spill`, so the run never holds the whole document
 * nor 100k commits; its first-time contributors and the unreleased version are settled at the end.
 */
export async function buildChangelogJson(repo: GitRepo, config: ReleaseConfig, options: ChangelogOptions, spill: TextSpill): Promise<JsonChangelog> {
  const start = await startChangelog(repo, config, options);
  const odd = oddText();
  const whole = (notes: ReleaseNotes[]): JsonChangelog => {
    notes[0]?.warnings.push(...odd.warnings);
    return { releases: lazily(notes, wholeReleasePieces), warnings: notes[0]?.warnings ?? [] };
  };
  const reread = async (): Promise<ReleaseNotes[]> => {
    const log = new PreparedLog(config);
    await repo.log({ from: null, to: start.toHash, paths: [], signal: options.signal }, (c) => log.add(c));
    log.end();
    return notesOfLog(log, start, config);
  };
  // Only the commits touching the path count, and that list comes from its own git process: read whole.
  if (start.path !== undefined) return whole(await reread());
  const cache = options.cache ?? null;
  if (cache) {
    const warm = await fromCache(repo, config, start, cache, 'json', {}, options.signal);
    if (warm?.blob) {
      const { sections, ...frame } = publicNotes(warm.last);
      frame.warnings = [...warm.inv.warnings, ...frame.warnings, ...warm.odd, ...warm.state.odd];
      const kept: JsonPieces = [{ cached: warm.blob }];
      return { releases: [releasePieces(frame, [sectionsJson(sections)]), kept], warnings: frame.warnings, cached: true };
    }
  }
  const stream = new LinearChangelog(config, {}, spill);
  await followLog(repo, start, stream, odd, options.signal);
  const inv = await start.inventory;
  stream.end();
  if (stream.mode === 'whole') return whole(await notesOfLog(stream.log, start, config));
  const done = await stream.finishJson(start, inv, odd.warnings);
  // A release's version was decided against the stable release below it in the tag list; when the log did not
  // reach that one (a tag off this history), read the log again and settle the changelog whole.
  if (!done) return whole(await reread());
  if (cache && done.kept?.blob) {
    // The releases up to the newest one, as the array holds them: what a later run writes after its unreleased notes.
    const blob = done.kept.blob;
    const pieces = function* (): Iterable<string | Uint8Array> {
      for (const p of joinedReleases(blob)) yield typeof p === 'string' ? p : 'spilled' in p ? spill.read(p.spilled) : '';
    };
    await cache.store.write(done.kept.state.previous.commit, 'json', cacheKey('json', config, {}, inv, cache.tool), done.kept.state, pieces());
  }
  return done;
}

/** Maps lazily: one item at a time, as the writer asks for it. */
function* lazily<T, U>(items: readonly T[], map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}

/** Streams the log into a LinearChangelog; the tags are read beside the log, and commits that arrive before them wait. */
async function followLog(repo: GitRepo, start: ChangelogStart, stream: LinearChangelog, odd: ReturnType<typeof oddText>, signal: AbortSignal | undefined): Promise<void> {
  let waiting: RawCommit[] | null = [];
  void start.inventory.then(
    (inv) => stream.setTags(inv),
    () => undefined,
  );
  await repo.log({ from: null, to: start.toHash, paths: [], signal }, (c) => {
    odd.note(c);
    if (!stream.ready) return void waiting!.push(c);
    if (waiting) {
      for (const w of waiting) stream.add(w);
      waiting = null;
    }
    stream.add(c);
  });
  const inv = await start.inventory;
  stream.setTags(inv);
  for (const w of waiting ?? []) stream.add(w);
}

/** What a whole run keeps for the next one (changelogCache.ts): the state, and for JSON the releases' pieces up to it. */
interface Kept {
  state: ChangelogCacheState;
  blob?: Iterable<JsonPieces>;
}

/** A release of a linear history once the log has passed it: its sections as markdown and its contributors. */
interface PassedRelease {
  sections: string;
  contributors: Contributor[];
  /** A prerelease's changes that can decide the next version (empty for a stable release). */
  carry: Change[];
  /** JSON changelog: the spilled sections, and the version as decided against `guess` (the next stable release below, -1: none). */
  json?: { sections: number; version: ReturnType<typeof publicNotes>['version']; guess: number };
}

/**
 * Follows a streamed log newest first while it is linear, closing each release as the log passes its
 * tag: on a linear history a commit belongs to the lowest version among the tags at or above it, so a
 * release is complete once a lower version's tag comes by.
 *
 * When a commit does not continue the chain (a merge, a second root), the releases already closed stay
 * as they are: their commits have no descendant in the log but the chain above them, so no other tag
 * reaches them. If none was closed yet, the whole log is kept (mode `whole`, settled by notesOfLog);
 * else the log from the open release down (mode `rest`: every commit there is reached by that release's
 * tag), whose releases are settled by a walk at the end.
 */
class LinearChangelog {
  mode: 'linear' | 'whole' | 'rest' = 'linear';
  /** The commits of the release being followed (all commits, in mode `whole`). */
  readonly log: PreparedLog;
  private readonly config: ReleaseConfig;
  private readonly render: RenderOptions;
  private releases: LocatedTag[] = [];
  /** Release indices (into `releases`, highest version first) by tagged commit. */
  private tagsAt = new Map<string, number[]>();
  /** Index of the release whose commits are streaming (the lowest version seen so far), -1 above every tag. */
  private current = -1;
  /** Releases whose tags the log reached. */
  private readonly reached = new Set<number>();
  private readonly passed = new Map<number, PassedRelease>();
  private unreleased: RangeChanges | null = null;
  private letGo = false;
  /** Warnings about odd commit texts at or below the newest release, in log order (kept by the cache). */
  private readonly oddReleased: string[] = [];
  ready = false;

  /** JSON changelog: where each passed release's sections go as JSON text (null: markdown). */
  private readonly spill: TextSpill | null;

  constructor(config: ReleaseConfig, render: RenderOptions, spill: TextSpill | null) {
    this.config = config;
    this.render = render;
    this.spill = spill;
    this.log = new PreparedLog(config);
  }

  setTags(inv: TagInventory): void {
    if (this.ready) return;
    this.releases = inv.releases;
    inv.releases.forEach((t, i) => this.tagsAt.set(t.commit, [...(this.tagsAt.get(t.commit) ?? []), i]));
    this.ready = true;
  }

  add(raw: RawCommit): void {
    this.log.link(raw.hash);
    if (this.mode === 'linear' && !this.log.linear) this.mode = this.letGo ? 'rest' : 'whole';
    if (this.mode === 'linear') {
      const tags = this.tagsAt.get(raw.hash);
      if (tags) {
        for (const i of tags) this.reached.add(i);
        const lowest = Math.max(...tags); // releases are sorted highest version first
        if (lowest > this.current) {
          this.close();
          this.current = lowest;
        }
      }
    }
    this.log.push(raw);
    if (raw.textWarnings && this.current !== -1) this.oddReleased.push(...raw.textWarnings);
  }

  end(): void {
    this.log.end();
    if (this.mode === 'linear' && !this.log.linear) this.mode = this.letGo ? 'rest' : 'whole';
    if (this.mode === 'linear') this.close();
    if (this.mode === 'rest') this.settleRest();
  }

  /** Mode `rest`: owners by walk over the log kept from the open release down, each release closed like a linear one. */
  private settleRest(): void {
    const found = new Set<number>();
    for (const e of this.log.entries) for (const i of this.tagsAt.get(e.hash) ?? []) found.add(i);
    const indices = [...found].sort((a, b) => b - a); // lowest version first
    const owner = ownersByWalk(this.log, indices.map((i) => this.releases[i]!));
    const buckets: number[][] = indices.map(() => []);
    owner.forEach((o, k) => buckets[o]!.push(k)); // the open release's tag reaches every commit kept: no -1
    indices.forEach((i, r) => {
      this.reached.add(i);
      this.passed.set(i, this.passedRelease(this.log.collect(buckets[r]!), i));
    });
  }

  private passedRelease(range: RangeChanges, index: number): PassedRelease {
    const tag = this.releases[index]!;
    const carry = tag.version.prerelease.length > 0 ? versionChanges(range.changes, this.config) : [];
    const sections = groupSections(range.changes, this.config);
    if (this.spill === null) return { sections: renderSections(sections, this.config, this.render), contributors: contributorsOf(range.commits), carry };
    // The version needs the stable release below, known for sure only at the end: decide it against the next
    // stable release of the tag list (on a linear history, the one the log reaches next), checked at the end.
    let guess = index + 1;
    while (guess < this.releases.length && this.releases[guess]!.version.prerelease.length > 0) guess++;
    if (guess === this.releases.length) guess = -1;
    const { version } = publicNotes({ version: describeReleased(guess === -1 ? null : this.releases[guess]!.version, tag, range.changes, this.config, tag.commit) } as ReleaseNotes);
    return { sections: '', contributors: contributorsOf(range.commits), carry, json: { sections: this.spill.put(sectionsJson(sections)), version, guess } };
  }

  /** The release being followed is complete: keep its markdown sections and contributors, let its commits go. */
  private close(): void {
    const range = this.log.collect(this.log.entries.map((_, i) => i));
    if (this.current === -1) this.unreleased = range; // its version needs the last release: decided at the end
    else this.passed.set(this.current, this.passedRelease(range, this.current));
    if (this.log.entries.length > 0) this.letGo = true;
    this.log.release();
  }

  /** The markdown of every release, newest first, once the whole linear log went by; and what the cache keeps. */
  async finish(start: ChangelogStart, inv: TagInventory): Promise<MarkdownChangelog & { kept: Kept | null }> {
    const credit = creditor();
    const out: string[] = [];
    let previous: LocatedTag | null = null;
    let previousStable: semver.SemVer | null = null;
    const reachable = [...this.reached].sort((a, b) => b - a);
    const empty = renderSections([], this.config, this.render);
    for (const i of reachable) {
      const tag = this.releases[i]!;
      const release = this.passed.get(i);
      const { contributors, first } = credit(release?.contributors ?? []);
      const frame = {
        range: { from: previous?.name ?? null, to: tag.name, fromHash: previous?.commit ?? null, toHash: tag.commit },
        version: { next: tag.version.version, firstRelease: previousStable === null },
        date: tag.date.slice(0, 10),
        contributors,
        firstTimeContributors: first,
      };
      out.push(renderRelease(frame, release?.sections ?? empty, this.config, this.render));
      previous = tag;
      if (tag.version.prerelease.length === 0) previousStable = tag.version;
    }
    const carried = reachable.flatMap((i) => (isAbove(this.releases[i]!, previousStable) ? (this.passed.get(i)?.carry ?? []) : []));
    const released = [...out].reverse();
    const known = [...credit.known]; // before the unreleased notes credit their authors
    const last = await unreleasedNotes(this.unreleased ?? { changes: [], commits: [] }, start, inv, previous, previousStable, credit, this.config, carried);
    if (last) out.push(renderMarkdown(last, this.config, this.render));
    out.reverse();
    const kept = this.kept(last, previous, previousStable, known, carried);
    if (kept) kept.state.releases = released;
    return { releases: out, warnings: out.length > 0 ? [...inv.warnings, ...(last?.warnings ?? [])] : [], kept };
  }

  /** What the cache keeps at the newest release, when there are unreleased changes above it (else nothing is kept). */
  private kept(last: ReleaseNotes | null, previous: LocatedTag | null, previousStable: semver.SemVer | null, known: string[], carried: Change[]): Kept | null {
    if (last === null || previous === null) return null;
    return { state: { previous: { name: previous.name, commit: previous.commit }, previousStable: previousStable?.version ?? null, known, carried, odd: this.oddReleased } };
  }

  /**
   * The JSON of every release, newest first, once the whole linear log went by; null when a release's version was
   * decided against a stable release the log did not reach (the caller then settles the changelog whole).
   */
  async finishJson(start: ChangelogStart, inv: TagInventory, oddWarnings: readonly string[]): Promise<(JsonChangelog & { kept: Kept | null }) | null> {
    const credit = creditor();
    const out: { frame: Omit<ReturnType<typeof publicNotes>, 'sections'>; sections: JsonPieces }[] = [];
    let previous: LocatedTag | null = null;
    let previousStable: semver.SemVer | null = null;
    let previousStableIndex = -1;
    const reachable = [...this.reached].sort((a, b) => b - a);
    for (const i of reachable) {
      const tag = this.releases[i]!;
      const release = this.passed.get(i);
      const { contributors, first } = credit(release?.contributors ?? []);
      if (release?.json && release.json.guess !== previousStableIndex) return null;
      const version = release?.json ? release.json.version : publicNotes({ version: describeReleased(previousStable, tag, [], this.config, tag.commit) } as ReleaseNotes).version;
      out.push({
        frame: {
          range: { from: previous?.name ?? null, to: tag.name, fromHash: previous?.commit ?? null, toHash: tag.commit },
          version,
          date: tag.date.slice(0, 10),
          contributors,
          firstTimeContributors: first,
          warnings: [],
        },
        sections: release?.json ? [{ spilled: release.json.sections }] : [sectionsJson([])],
      });
      previous = tag;
      if (tag.version.prerelease.length === 0) {
        previousStable = tag.version;
        previousStableIndex = i;
      }
    }
    const carried = reachable.flatMap((i) => (isAbove(this.releases[i]!, previousStable) ? (this.passed.get(i)?.carry ?? []) : []));
    const released = [...out].reverse();
    const known = [...credit.known]; // before the unreleased notes credit their authors
    const last = await unreleasedNotes(this.unreleased ?? { changes: [], commits: [] }, start, inv, previous, previousStable, credit, this.config, carried);
    if (last) {
      const { sections, ...frame } = publicNotes(last);
      out.push({ frame, sections: [sectionsJson(sections)] });
    }
    out.reverse();
    // The newest release carries the warnings: the tag list's, its own, then the odd commit texts'.
    if (out.length > 0) out[0]!.frame.warnings = [...inv.warnings, ...out[0]!.frame.warnings, ...oddWarnings];
    const kept = this.kept(last, previous, previousStable, known, carried);
    // The releases up to the newest one as they stand in the array (their warnings are empty: the unreleased notes carry them).
    if (kept) kept.blob = lazily(released, (r) => releasePieces(r.frame, r.sections));
    return { releases: lazily(out, (r) => releasePieces(r.frame, r.sections)), warnings: out[0]?.frame.warnings ?? [], kept };
  }
}

/**
 * The prepared history, newest first, kept small for 100k-commit logs: a commit with one kept change whose only
 * parent is the next commit of the log (or none, for the last one) is stored as that change alone; any other
 * commit as its PreparedCommit.
 */
class PreparedLog {
  entries: (Change | PreparedCommit)[] = [];
  /** True while every commit's only parent is the next one (no merges, one root). */
  linear = true;
  /** Parents of the last commit, until the next commit (or the end) tells whether it continues the chain. */
  private lastParents: readonly string[] | null = null;
  private readonly config: ReleaseConfig;

  constructor(config: ReleaseConfig) {
    this.config = config;
  }

  add(raw: RawCommit): void {
    this.link(raw.hash);
    this.push(raw);
  }

  /** Call once the log is complete. */
  end(): void {
    this.link(null);
  }

  /** The last commit meets its successor (null: the end of the log); a bare change whose parent is not it is expanded. */
  link(next: string | null): void {
    const parents = this.lastParents;
    if (parents === null) return;
    this.lastParents = null;
    const linked = next === null ? parents.length === 0 : parents.length === 1 && parents[0] === next;
    if (linked) return;
    this.linear = false;
    const last = this.entries.length - 1;
    const e = this.entries[last];
    if (e && !isPrepared(e)) this.entries[last] = { hash: e.hash, parents, mergePr: null, changes: [e], skipped: [false] };
  }

  push(raw: RawCommit): void {
    const p = prepareCommit(raw, this.config);
    this.entries.push(p.changes.length === 1 && !p.skipped[0] && p.parents.length === 1 ? p.changes[0]! : p);
    this.lastParents = p.parents;
  }

  /** Lets go of the commits kept so far (the chain check goes on with the next one). */
  release(): void {
    this.entries = [];
  }

  /** Parents of the commit at index i. */
  parentsAt(i: number): readonly string[] {
    const e = this.entries[i]!;
    if (isPrepared(e)) return e.parents;
    return i + 1 < this.entries.length ? [this.entries[i + 1]!.hash] : [];
  }

  /** The effective changes of the commits at these indices (newest first). */
  collect(indices: readonly number[]): RangeChanges {
    if (!this.linear) {
      return collectPrepared(
        indices.map((i) => {
          const e = this.entries[i]!;
          return isPrepared(e) ? e : { hash: e.hash, parents: this.parentsAt(i), mergePr: null, changes: [e], skipped: [false] };
        }),
      );
    }
    // A linear range has no merge to attribute PRs from: keep the changes, drop the skipped, cancel reverts.
    const all: Change[] = [];
    const kept: Change[] = [];
    for (const i of indices) {
      const e = this.entries[i]!;
      if (!isPrepared(e)) {
        all.push(e);
        kept.push(e);
        continue;
      }
      e.changes.forEach((c, k) => {
        all.push(c);
        if (!e.skipped[k]) kept.push(c);
      });
    }
    return { changes: cancelReverts(kept), commits: all };
  }
}

function isPrepared(e: Change | PreparedCommit): e is PreparedCommit {
  return 'skipped' in e;
}

/**
 * Owners on a linear history, newest first: a commit is reached by every tag at or above it, so its
 * release is the lowest version among the tags seen so far. One pass, no hash index.
 */
function ownersOfLinear(log: PreparedLog, reachable: readonly LocatedTag[]): Int32Array {
  const lowestAt = new Map<string, number>();
  reachable.forEach((t, r) => {
    if (!lowestAt.has(t.commit)) lowestAt.set(t.commit, r);
  });
  const owner = new Int32Array(log.entries.length);
  let best = -1;
  for (let i = 0; i < log.entries.length; i++) {
    const r = lowestAt.get(log.entries[i]!.hash);
    if (r !== undefined && (best === -1 || r < best)) best = r;
    owner[i] = best;
  }
  return owner;
}

/** Owners on any history: each release, lowest version first, claims the commits its tag reaches that no lower one did. */
function ownersByWalk(log: PreparedLog, reachable: readonly LocatedTag[]): Int32Array {
  const index = new Map<string, number>();
  log.entries.forEach((c, i) => index.set(c.hash, i));
  const owner = new Int32Array(log.entries.length).fill(-1);
  reachable.forEach((tag, r) => {
    const stack = [index.get(tag.commit)!];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (owner[i] !== -1) continue;
      owner[i] = r;
      for (const p of log.parentsAt(i)) {
        const j = index.get(p);
        if (j !== undefined && owner[j] === -1) stack.push(j);
      }
    }
  });
  return owner;
}
