/** Narrowing of command arguments (they come from anywhere: palette, tree items, other extensions, tests). No 'vscode' here. */

/** The argument as a record of fields, or an empty record when it is not an object. */
export function argRecord(arg: unknown): Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? (arg as Record<string, unknown>) : {};
}

/** A string field of an argument, undefined when absent or of another type. */
export function stringField(arg: unknown, key: string): string | undefined {
  const v = argRecord(arg)[key];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean field of an argument, undefined when absent or of another type. */
export function booleanField(arg: unknown, key: string): boolean | undefined {
  const v = argRecord(arg)[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** Whether an argument is a tree node (inline and context-menu actions pass the node). */
export function isTreeNode(arg: unknown): arg is { kind: string } {
  return typeof argRecord(arg).kind === 'string';
}
