// The extension's identity, read from the manifest as shipped, for every test tier (no 'vscode' import here).
import manifest from '../../package.json';

/** The extension's id as VS Code knows it: `publisher.name` from package.json. */
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
