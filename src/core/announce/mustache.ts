/** mustache, the same object whether bundled as ESM (its default export) or loaded as CommonJS. */
import * as ns from 'mustache';

/** The mustache API. */
export const Mustache: typeof ns = (ns as unknown as { default?: typeof ns }).default ?? ns;
