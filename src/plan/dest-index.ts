// Creates the destination index from the source's mappings and the settings that shape data (shards,
// analysis, routing, sorting), dropping what the server owns or what ties an index to its old cluster.
// Every change is returned so the operator sees it (users' second most common complaint about other tools).
import type { AliasDefinition } from '../cluster/aliases.js';
import type { ClusterClient } from '../cluster/client.js';
import { ConfigError } from '../core/errors.js';

export interface IndexChange {
  setting: string;
  from: unknown;
  /** undefined: dropped. */
  to: unknown;
  why: string;
}

/** Prefixes (after `index.`) dropped, with the reason reported. */
const DROPPED: readonly [string, string][] = [
  ['uuid', 'set by the server'],
  ['creation_date', 'set by the server'],
  ['version.', 'set by the server'],
  ['provided_name', 'set by the server'],
  ['history.uuid', 'set by the server'],
  ['resize.', 'left by a shrink/split on the source'],
  ['routing.allocation.', 'names nodes of the source cluster'],
  ['blocks.', 'a block would stop the copy writing'],
  ['lifecycle.', 'the ILM policy may not exist on the destination; attach it after the move'],
  [
    'plugins.index_state_management.',
    'the ISM policy may not exist on the destination; attach it after the move',
  ],
  [
    'opendistro.index_state_management.',
    'the ISM policy may not exist on the destination; attach it after the move',
  ],
  ['default_pipeline', 'a pipeline would rewrite copied documents; set it again after the move'],
  ['final_pipeline', 'a pipeline would rewrite copied documents; set it again after the move'],
  ['verified_before_close', 'set by the server'],
  ['frozen', 'set by the server'],
  ['replication.type', 'depends on the destination cluster'],
];

export function planDestSettings(flat: Record<string, unknown>): {
  settings: Record<string, unknown>;
  changes: IndexChange[];
} {
  const settings: Record<string, unknown> = {};
  const changes: IndexChange[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const rule = DROPPED.find(([prefix]) => key.startsWith(`index.${prefix}`));
    if (rule) changes.push({ setting: key, from: value, to: undefined, why: rule[1] });
    else settings[key] = value;
  }
  return { settings, changes };
}

/**
 * Creates `dstIndex` on `dest` shaped like `srcIndex` on `source`, with `aliases` (dest-aliases.ts); fails if it
 * already exists.
 */
export async function createDestIndexFrom(
  source: ClusterClient,
  dest: ClusterClient,
  srcIndex: string,
  dstIndex: string,
  aliases: Record<string, AliasDefinition> = {},
): Promise<IndexChange[]> {
  if (await dest.indexExists(dstIndex)) {
    throw new ConfigError(
      `The destination index ${dstIndex} already exists on ${dest.label}`,
      'Pick another destination name, or delete that index first if it is a leftover.',
    );
  }
  const [definition, flat] = await Promise.all([
    source.getIndex(srcIndex),
    source.getIndexSettings(srcIndex, true),
  ]);
  const { settings, changes } = planDestSettings(flat);
  await dest.createIndex(dstIndex, { settings, mappings: definition.mappings, aliases });
  return changes;
}
