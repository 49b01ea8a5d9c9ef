// Index alias calls: read an index's aliases, the indices behind an alias name, add aliases, and move aliases
// from one index to another, each in one atomic `_aliases` request.
import { type ClusterClient, enc } from './client.js';

/** An alias as the servers return it for one index (and accept back in an `add` action). */
export interface AliasDefinition {
  filter?: unknown;
  index_routing?: string;
  search_routing?: string;
  is_write_index?: boolean;
  is_hidden?: boolean;
}

export async function getIndexAliases(
  client: ClusterClient,
  index: string,
): Promise<Record<string, AliasDefinition>> {
  const body = await client.json<Record<string, { aliases?: Record<string, AliasDefinition> }>>({
    method: 'GET',
    path: `/${enc(index)}/_alias`,
    what: `read aliases of ${index}`,
  });
  return (body[index] ?? Object.values(body)[0])?.aliases ?? {};
}

/** Indices an alias name points to on this cluster, with the alias's definition on each; {} when none. */
export async function aliasIndices(
  client: ClusterClient,
  alias: string,
): Promise<Record<string, AliasDefinition>> {
  const res = await client.request<Record<string, { aliases?: Record<string, AliasDefinition> }>>({
    method: 'GET',
    path: `/_alias/${enc(alias)}`,
    okStatuses: [404],
    what: `read alias ${alias}`,
  });
  if (res.status === 404) return {};
  const out: Record<string, AliasDefinition> = {};
  for (const [index, entry] of Object.entries(res.body)) {
    const definition = entry.aliases?.[alias];
    if (definition) out[index] = definition;
  }
  return out;
}

/**
 * Sets each alias on `index` to exactly this definition (an `add` replaces an existing one, filter and routing
 * included), all in one atomic request.
 */
export async function putIndexAliases(
  client: ClusterClient,
  index: string,
  aliases: Record<string, AliasDefinition>,
): Promise<void> {
  const actions = Object.entries(aliases).map(([alias, definition]) => ({
    add: { index, alias, ...definition },
  }));
  if (actions.length === 0) return;
  await client.json({
    method: 'POST',
    path: '/_aliases',
    body: { actions },
    what: `set aliases ${Object.keys(aliases).join(', ')} on ${index}`,
  });
}

/**
 * Takes `remove` off `from` and sets `add` on `to` in one atomic request: a reader of an alias sees one index or
 * the other, never both and never none.
 */
export async function moveIndexAliases(
  client: ClusterClient,
  move: { from: string; to: string; remove: readonly string[]; add: Record<string, AliasDefinition> },
): Promise<void> {
  const actions = [
    ...move.remove.map((alias) => ({ remove: { index: move.from, alias } })),
    ...Object.entries(move.add).map(([alias, definition]) => ({
      add: { index: move.to, alias, ...definition },
    })),
  ];
  if (actions.length === 0) return;
  await client.json({
    method: 'POST',
    path: '/_aliases',
    body: { actions },
    what: `move aliases ${[...new Set([...move.remove, ...Object.keys(move.add)])].join(', ')} from ${move.from} to ${move.to}`,
  });
}
