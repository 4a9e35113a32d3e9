/**
 * The default export of a CommonJS package whose types declare `export default`: under
 * `module: nodenext` TypeScript types the default import as the module object, while
 * Node hands over `module.exports` itself. Used for the graphology packages.
 */
export function cjsDefault<T>(imported: { default: T }): T {
  const value = imported as unknown as { default?: T };
  return value.default ?? (imported as unknown as T);
}
