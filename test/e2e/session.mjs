// What the e2e runner (scripts/vscode-test/e2e.mjs) hands the specs: the page showing the workbench and the fixture.

/** Filled by the runner before mocha loads the specs: `{ page, folder, runDir, extensions, expectedVersion, screenshot }`. */
export const session = {
  /** @type {import('playwright-core').Page} */
  page: undefined,
  /** Absolute path of the demo repository opened in the workbench. */
  folder: '',
  /** The run folder (code-server's RELEASE_MANAGER_TEST_RUN_DIR; test/e2e/githubAccount.mjs signs in there). */
  runDir: '',
  /** `code-server --list-extensions --show-versions` after installing the .vsix. */
  extensions: [],
  /** The next version the CLI computes for the demo repository (what the UI must show too). */
  expectedVersion: '',
  /** Saves a PNG under test-results/screenshots/. */
  screenshot: async (/** @type {string} */ name) => name,
};
