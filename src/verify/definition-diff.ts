// Deep verification also compares how the two indices are defined, where it changes what searches return:
// each field's type and analyzers, the analysis settings, and the document counts.
import type { ClusterClient } from '../cluster/client.js';
import type { DefinitionDifference } from './types.js';

/** Mapping parameters that change how a field is indexed or searched. */
const FIELD_KEYS = [
  'type',
  'analyzer',
  'search_analyzer',
  'normalizer',
  'index',
  'doc_values',
  'format',
  'relations',
] as const;

type FieldFacts = Partial<Record<(typeof FIELD_KEYS)[number], unknown>>;

/** Field path (multi-fields and object children included) to the parameters that matter. */
export function flattenMapping(mappings: Record<string, unknown>): Map<string, FieldFacts> {
  const out = new Map<string, FieldFacts>();
  const walk = (properties: unknown, prefix: string) => {
    if (!properties || typeof properties !== 'object') return;
    for (const [name, raw] of Object.entries(properties as Record<string, unknown>)) {
      const field = raw as Record<string, unknown>;
      const path = prefix + name;
      const facts: FieldFacts = {};
      for (const key of FIELD_KEYS) if (field[key] !== undefined) facts[key] = field[key];
      // An object field has no "type" in its mapping; name it so "object vs keyword" is visible.
      if (facts.type === undefined && field.properties) facts.type = 'object';
      out.set(path, facts);
      walk(field.properties, `${path}.`);
      walk(field.fields, `${path}.`);
    }
  };
  walk(mappings.properties, '');
  return out;
}

export function diffMappings(
  source: Record<string, unknown>,
  dest: Record<string, unknown>,
): DefinitionDifference[] {
  const a = flattenMapping(source);
  const b = flattenMapping(dest);
  const out: DefinitionDifference[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const left = a.get(path);
    const right = b.get(path);
    if (!left || !right) {
      out.push({ kind: 'mapping', path, source: left ?? null, dest: right ?? null });
      continue;
    }
    for (const key of FIELD_KEYS) {
      if (JSON.stringify(left[key]) !== JSON.stringify(right[key])) {
        out.push({
          kind: 'mapping',
          path: `${path}.${key}`,
          source: left[key] ?? null,
          dest: right[key] ?? null,
        });
      }
    }
  }
  return out;
}

/** Analysis settings (analyzers, tokenizers, filters, normalizers), compared by flat key. */
export function diffAnalysis(
  source: Record<string, unknown>,
  dest: Record<string, unknown>,
): DefinitionDifference[] {
  const pick = (s: Record<string, unknown>) =>
    Object.entries(s).filter(([k]) => k.startsWith('index.analysis.'));
  const a = new Map(pick(source));
  const b = new Map(pick(dest));
  const out: DefinitionDifference[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key)))
      out.push({ kind: 'setting', path: key, source: a.get(key) ?? null, dest: b.get(key) ?? null });
  }
  return out;
}

export async function compareDefinitions(
  source: ClusterClient,
  sourceIndex: string,
  dest: ClusterClient,
  destIndex: string,
): Promise<DefinitionDifference[]> {
  const [sDef, dDef, sSettings, dSettings, sCount, dCount] = await Promise.all([
    source.getIndex(sourceIndex),
    dest.getIndex(destIndex),
    source.getIndexSettings(sourceIndex),
    dest.getIndexSettings(destIndex),
    source.count(sourceIndex),
    dest.count(destIndex),
  ]);
  const out = [...diffMappings(sDef.mappings, dDef.mappings), ...diffAnalysis(sSettings, dSettings)];
  if (sCount !== dCount) out.push({ kind: 'count', path: '_count', source: sCount, dest: dCount });
  return out;
}
