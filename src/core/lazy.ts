/**
 * A value built on its first use and kept. Module-level zod schemas are made with it: zod builds a schema object (and
 * its methods) for every `.string()`, `.min()`, `.describe()` of a declaration, which made loading the bundle cost
 * ~70 ms when every schema of the code base was built at load. Built on first use, activation and the CLI's start pay
 * only for the schemas they parse with (see docs/benchmarks.md). `built` tells whether it was (tests read it).
 */
export function once<T>(build: () => T): (() => T) & { readonly built: boolean } {
  let built = false;
  let value: T;
  const get = () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
  return Object.defineProperty(get, 'built', { get: () => built }) as (() => T) & { readonly built: boolean };
}
