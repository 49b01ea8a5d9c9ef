// Names Ferry sends to a server or writes to disk, checked by the servers' own rules before anything starts,
// so a name that `plan` accepts never fails later in `run` (index creation, a state folder, a snapshot).

/** Characters Elasticsearch and OpenSearch refuse in an index name (`:` since 7.0). */
const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];
const MAX_INDEX_BYTES = 255;
/**
 * A migration id names a folder (`<state-dir>/<id>`) and a snapshot (`ferry-<id>`); 200 bytes keeps both under
 * the usual 255-byte file name limit with room for the files Ferry puts beside it.
 */
export const MAX_ID_BYTES = 200;

/** Why `name` cannot be an index name, or undefined when it can. */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return 'cannot be "." or ".."';
  if (name !== name.toLowerCase()) return 'must be lower case';
  const bad = FORBIDDEN.filter((c) => name.includes(c));
  if (bad.length > 0)
    return `cannot contain ${bad.map((c) => (c === ' ' ? 'spaces' : `"${c}"`)).join(', ')} (not allowed: \\ / * ? " < > | , # : and spaces)`;
  if (/^[-_+]/.test(name)) return 'cannot start with "-", "_" or "+"';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_INDEX_BYTES) return `is ${bytes} bytes long; the limit is ${MAX_INDEX_BYTES}`;
  return undefined;
}

/** Why `id` cannot name a migration (a folder and a snapshot), or undefined when it can. */
export function migrationIdProblem(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(id))
    return 'may use only letters, digits, ".", "_" and "-", starting with a letter or digit';
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_ID_BYTES) return `is ${bytes} characters long; the limit is ${MAX_ID_BYTES}`;
  return undefined;
}

/**
 * The default id from the index names, if it is a valid id. Index names may hold characters an id may not
 * (e.g. `{`, `é`); those become "_".
 */
export function defaultMigrationId(sourceIndex: string, destIndex: string): string {
  return `${sourceIndex}-to-${destIndex}`.replace(/[^a-z0-9._-]/gi, '_').replace(/^[._-]/, 'x');
}
