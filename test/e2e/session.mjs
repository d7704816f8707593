// What the e2e runner (scripts/vscode-test/e2e.mjs) hands the specs: the page showing the workbench and the fixture.

/** Filled by the runner before mocha loads the specs: `{ page, runDir, extensions, screenshot, openDemo, openFolder }`; `openDemo` sets `folder` and `expectedVersion`. */
export const session = {
  /** @type {import('playwright-core').Page} */
  page: undefined,
  /** Absolute path of the demo repository opened in the workbench (by the last `openDemo`). */
  folder: '',
  /** The run folder (code-server's RELEASE_MANAGER_TEST_RUN_DIR; test/e2e/githubAccount.mjs signs in there). */
  runDir: '',
  /** `code-server --list-extensions --show-versions` after installing the .vsix. */
  extensions: [],
  /** The next version the CLI computes for the demo repository opened last (what the UI must show too). */
  expectedVersion: '',
  /**
   * Makes a fresh demo repository for the spec `name` (run folder/workspace/<name>/demo) and loads the workbench
   * on it: every spec starts from its own repository and a new window, whatever ran before. Resolves to the folder.
   * `prepare(folder)` changes the repository before the window opens (config, history, settings): a file written
   * while the window starts may reach the extension before its file watcher is listening.
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  openDemo: async (/** @type {string} */ name, /** @type {((folder: string) => unknown) | undefined} */ prepare) => {
    throw new Error(`not run by scripts/vscode-test/e2e.mjs: cannot open a demo for ${name}`);
  },
  /** Loads the workbench on a folder the spec made itself (under `runDir`/workspace): not a demo, no expected version. */
  openFolder: async (/** @type {string} */ folder) => {
    throw new Error(`not run by scripts/vscode-test/e2e.mjs: cannot open ${folder}`);
  },
  /** Saves a PNG under test-results/screenshots/. */
  screenshot: async (/** @type {string} */ name) => name,
};
