// Live preflight: what the dest index will carry from the source besides documents and mappings. Aliases are
// carried (a clash with an index or a write alias on the dest fails the check before anything changes); every
// setting, pipeline or alias that is not carried is listed, so the plan says it before the run does.
import { aliasIndices, getIndexAliases } from '../cluster/aliases.js';
import { type CheckResult, fail, pass, warn } from './check.js';
import { type AliasPlan, describeAlias, notCarried, planDestAliases } from './dest-aliases.js';
import { planDestSettings } from './dest-index.js';
import type { Plan } from './options.js';
import { type Sides, sameCluster } from './preflight.js';

export async function checkCarried(plan: Plan, sides: Sides): Promise<CheckResult[]> {
  const { source } = sides;
  const [aliases, flat] = await Promise.all([
    getIndexAliases(source, plan.sourceIndex),
    source.getIndexSettings(plan.sourceIndex, true),
  ]);
  const aliasPlan = planDestAliases(aliases, plan.destIndex, sameCluster(sides));
  const results: CheckResult[] = [await aliasCheck(plan, sides, aliasPlan)];
  const missing = notCarried(planDestSettings(flat).changes, aliasPlan);
  results.push(
    missing.length > 0
      ? warn(
          'not carried to the dest',
          missing.map((m) => `${m.what}=${JSON.stringify(m.value)} (${m.why})`).join('; '),
          'Set them on the dest index yourself after the move if they are still wanted; the final report lists them again.',
        )
      : pass('not carried to the dest', 'nothing beyond what the dest server sets itself'),
  );
  return results;
}

/** Says whether the aliases go on the dest index at creation or (one cluster) move to it at the switch. */
async function aliasCheck(plan: Plan, sides: Sides, aliasPlan: AliasPlan): Promise<CheckResult> {
  const name = 'aliases carried to the dest';
  const atSwitch = Object.entries(aliasPlan.atSwitch).map(([a, d]) => describeAlias(a, d));
  if (atSwitch.length > 0)
    return pass(
      name,
      `one cluster: ${atSwitch.join(', ')} stay on ${plan.sourceIndex} until the switch, then move to ${plan.destIndex} in one request (on both indices, reads would return every document twice)`,
    );
  const clashes = await aliasClashes(aliasPlan.carried, sides);
  if (clashes.length > 0)
    return fail(
      name,
      clashes.join('; '),
      'Free those names on the dest (or move them off the index holding them), then run again.',
    );
  const carried = Object.entries(aliasPlan.carried).map(([a, d]) => describeAlias(a, d));
  return pass(
    name,
    carried.length > 0
      ? `${carried.join(', ')}${plan.moveAliases ? '; at the switch they stop taking writes on the source (--move-aliases)' : ''}`
      : `${plan.sourceIndex} has no aliases`,
  );
}

async function aliasClashes(carried: AliasPlan['carried'], { dest }: Sides): Promise<string[]> {
  const clashes: string[] = [];
  for (const [alias, definition] of Object.entries(carried)) {
    if (!(await dest.indexExists(alias))) continue;
    const holders = await aliasIndices(dest, alias);
    if (Object.keys(holders).length === 0) {
      clashes.push(`an index named ${alias} exists on the dest`);
      continue;
    }
    const writer = Object.entries(holders).find(([, d]) => d.is_write_index)?.[0];
    if (definition.is_write_index && writer)
      clashes.push(`alias ${alias} on the dest already has a write index (${writer})`);
  }
  return clashes;
}
