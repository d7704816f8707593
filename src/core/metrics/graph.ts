/**
 * The commit graph the metrics walk (lead times, rollbacks by ancestry): commits as small integers with
 * their committer times and parents in typed arrays, so 100k commits cost a few MB and no per-commit
 * objects. Built by the git adapter from one `git rev-list --timestamp --parents` walk, or from a map
 * (tests). Pure.
 */
/** A commit of the graph: its parents and committer time (seconds since the epoch). */
export interface MetricCommit {
  parents: string[];
  committedAt: number;
}

/** A growable commit graph keyed by SHA. */
export class CommitGraph {
  private readonly ids = new Map<string, number>();
  private readonly shas: string[] = [];
  /** Committer time (seconds); NaN for a commit only seen as a parent (not in the walk). */
  private times = new Float64Array(1024);
  /** First parent, -1 for none. */
  private first = new Int32Array(1024).fill(-1);
  /** Further parents of merge commits. */
  private readonly more = new Map<number, number[]>();

  /** How many commits the walk listed or named as parents. */
  get size(): number {
    return this.shas.length;
  }

  private intern(sha: string): number {
    let id = this.ids.get(sha);
    if (id !== undefined) return id;
    id = this.shas.length;
    this.shas.push(sha);
    this.ids.set(sha, id);
    if (id >= this.times.length) {
      const times = new Float64Array(this.times.length * 2).fill(NaN);
      times.set(this.times);
      this.times = times;
      const first = new Int32Array(this.first.length * 2).fill(-1);
      first.set(this.first);
      this.first = first;
    }
    this.times[id] = NaN;
    this.first[id] = -1;
    return id;
  }

  /** Adds a commit with its committer time (seconds) and parents. */
  add(sha: string, committedAt: number, parents: readonly string[]): void {
    const id = this.intern(sha);
    this.times[id] = committedAt;
    if (parents.length > 0) this.first[id] = this.intern(parents[0]!);
    if (parents.length > 1) this.more.set(id, parents.slice(1).map((p) => this.intern(p)));
  }

  /** The id of a commit the walk listed, or -1 (not in the clone). */
  idOf(sha: string): number {
    const id = this.ids.get(sha);
    return id === undefined || Number.isNaN(this.times[id]!) ? -1 : id;
  }

  /** Whether the walk listed the commit. */
  has(sha: string): boolean {
    return this.idOf(sha) >= 0;
  }

  /** Committer time (seconds) of a listed commit. */
  timeOf(id: number): number {
    return this.times[id]!;
  }

  /** The SHA of an id. */
  shaOf(id: number): string {
    return this.shas[id]!;
  }

  /** Calls `visit` with each parent id of a commit. */
  forEachParent(id: number, visit: (parent: number) => void): void {
    const p = this.first[id]!;
    if (p < 0) return;
    visit(p);
    const rest = this.more.get(id);
    if (rest) for (const q of rest) visit(q);
  }

  /** A graph from a map (tests, small inputs). */
  static from(commits: ReadonlyMap<string, MetricCommit>): CommitGraph {
    const g = new CommitGraph();
    for (const [sha, c] of commits) g.add(sha, c.committedAt, c.parents);
    return g;
  }
}
