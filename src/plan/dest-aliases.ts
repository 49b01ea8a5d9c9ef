// What the destination index carries from the source beyond mappings: its aliases (plain, filtered, routing and
// write aliases, created with the index so that clients moving early already find them), and the list of what
// it does not carry, for the plan and the report. The settings themselves are chosen in dest-index.ts.
// On one cluster (source and dest the same cluster uuid) an alias on both indices would answer every document
// twice, so there the aliases wait on the source index and move to the dest index at the switch
// (steps/live/move-aliases.ts).
import type { AliasDefinition } from '../cluster/aliases.js';
import type { IndexChange } from './dest-index.js';

export interface AliasPlan {
  /** Created on the dest index exactly as on the source. */
  carried: Record<string, AliasDefinition>;
  /** One cluster: left on the source index at creation, moved to the dest index at the switch in one request. */
  atSwitch: Record<string, AliasDefinition>;
  /** Not carried, and why. */
  skipped: { alias: string; why: string }[];
}

export function planDestAliases(
  source: Record<string, AliasDefinition>,
  destIndex: string,
  oneCluster: boolean,
): AliasPlan {
  const carried: Record<string, AliasDefinition> = {};
  const skipped: AliasPlan['skipped'] = [];
  for (const [alias, definition] of Object.entries(source)) {
    if (alias === destIndex)
      skipped.push({
        alias,
        why: 'the dest index has this name: clients using it reach the dest index directly',
      });
    else carried[alias] = definition;
  }
  return oneCluster ? { carried: {}, atSwitch: carried, skipped } : { carried, atSwitch: {}, skipped };
}

/** One thing of the source index the dest does not get, as the plan and the report list it. */
export interface NotCarried {
  what: string;
  value: unknown;
  why: string;
}

/** Settings the server sets again by itself are not worth a line; every other dropped setting and alias is. */
export function notCarried(changes: readonly IndexChange[], aliases: AliasPlan): NotCarried[] {
  const out: NotCarried[] = changes
    .filter((c) => c.to === undefined && c.why !== 'set by the server')
    .map((c) => ({
      what: `setting ${c.setting}`,
      value: c.from,
      why: /_pipeline$/.test(c.setting)
        ? `${c.why}; the pipeline ${String(c.from)} is not created on the dest either`
        : c.why,
    }));
  for (const s of aliases.skipped) out.push({ what: `alias ${s.alias}`, value: s.alias, why: s.why });
  return out;
}

export function describeAlias(alias: string, d: AliasDefinition): string {
  const traits = [
    d.is_write_index ? 'write' : '',
    d.filter ? 'filtered' : '',
    d.index_routing || d.search_routing ? `routing ${d.index_routing ?? '-'}/${d.search_routing ?? '-'}` : '',
    d.is_hidden ? 'hidden' : '',
  ].filter(Boolean);
  return traits.length > 0 ? `${alias} (${traits.join(', ')})` : alias;
}
