// Applies recorded undo actions, newest first. Each is removed from state once done, so an interrupted abort
// can simply be run again. Every action tolerates "already undone".
import {
  type AliasDefinition,
  getIndexAliases,
  moveIndexAliases,
  putIndexAliases,
} from '../cluster/aliases.js';
import type { ClusterClient } from '../cluster/client.js';
import { deletePipeline, putPipeline } from '../cluster/pipelines.js';
import { deleteRepository, deleteSnapshot } from '../cluster/snapshots.js';
import { ConfigError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import type { StateStore } from '../state/state-store.js';
import { describeUndo, type UndoAction } from '../state/undo-action.js';

/** Asked before each action: apply it, or drop it without applying (the operator chose to keep that change). */
export type UndoGuard = (action: UndoAction) => Promise<'apply' | 'keep'>;

export interface UndoControl {
  guard?: UndoGuard;
  /** Asked between actions (Ctrl-C, SIGTERM): true stops before the next one. */
  stopRequested?: () => boolean;
  /** Called after each action is applied and dropped from the saved state. */
  afterEach?: () => Promise<void>;
}

/** Returns false when stopped before the end (the rest stays in state.undo, for the next run). */
export async function applyUndo(
  state: MigrationState,
  store: StateStore,
  clients: { source: ClusterClient; dest: ClusterClient },
  progress: Progress,
  control: UndoControl = {},
): Promise<boolean> {
  const guard = control.guard ?? (async () => 'apply');
  while (state.undo.length > 0) {
    if (control.stopRequested?.()) return false;
    const action = state.undo[state.undo.length - 1]!;
    if ((await guard(action)) === 'apply') {
      progress.info(`undo: ${describeUndo(action)}`);
      await undoOne(action, clients[action.side]);
    } else {
      progress.info(`kept: ${describeUndo(action)}`);
    }
    state.undo.pop();
    await store.save(state);
    await control.afterEach?.();
  }
  return true;
}

/** What the operator decided for indices that hold writes of the applications (two-pass abort). */
export interface AbortChoices {
  /** Leave the delta index on the source with its documents. */
  keepDelta: boolean;
  /** Delete it anyway, documents and all. */
  deleteDelta: boolean;
  /** Two-pass after the client switch: delete the dest index although applications wrote to it. */
  deleteDest: boolean;
}

/**
 * Two-pass writes of the applications live in two indices Ferry created: the delta index (every write after
 * change_pipeline) and, once the clients were switched, the dest index. Deleting either would lose them while
 * abort says "as it was", so abort refuses unless the operator chose (see docs/operating.md, "Resume, Ctrl-C
 * and abort").
 */
export function twoPassAbortGuard(
  state: MigrationState,
  plan: { deltaIndex: string; destIndex: string; id: string },
  source: ClusterClient,
  choices: AbortChoices,
): UndoGuard {
  return async (action) => {
    if (state.strategy !== 'two-pass' || action.kind !== 'delete-index') return 'apply';
    if (action.side === 'source' && action.index === plan.deltaIndex) {
      if (choices.deleteDelta) return 'apply';
      const docs = await documentsIn(source, plan.deltaIndex);
      if (docs === 0) return 'apply';
      if (choices.keepDelta) {
        state.results.keptDeltaIndex = { index: plan.deltaIndex, docs };
        return 'keep';
      }
      throw deltaHoldsWrites(plan, docs);
    }
    if (action.side === 'dest' && state.confirmations['switch-clients'] && !choices.deleteDest)
      throw new ConfigError(
        `The applications were switched to ${plan.destIndex} on the dest (${state.confirmations['switch-clients']}); deleting it would lose what they wrote there.`,
        `Move them back to the source first, then: ferry abort --id ${plan.id} --delete-dest   (or keep the dest: the migration is past the point of a clean abort).`,
      );
    return 'apply';
  };
}

/** Read before abort changes anything, so a refusal leaves everything as it was. */
export async function checkTwoPassAbort(
  state: MigrationState,
  plan: { deltaIndex: string; destIndex: string; id: string },
  source: ClusterClient,
  choices: AbortChoices,
): Promise<void> {
  // A copy, so that the dry pass records nothing.
  const probe = twoPassAbortGuard({ ...state, results: { ...state.results } }, plan, source, choices);
  for (const action of state.undo) await probe(action);
}

function deltaHoldsWrites(plan: { deltaIndex: string; id: string }, docs: number): ConfigError {
  return new ConfigError(
    `The delta index ${plan.deltaIndex} holds ${docs} document(s) that applications wrote during the move; abort would delete them. Nothing was changed.`,
    `Choose: ferry abort --id ${plan.id} --keep-delta (undo everything else and leave ${plan.deltaIndex} with its documents; copy them back with POST _reindex {"source":{"index":"${plan.deltaIndex}"},"dest":{"index":"<source index>"}} once writes have stopped), or --delete-delta to delete them.`,
  );
}

async function documentsIn(client: ClusterClient, index: string): Promise<number> {
  if (!(await client.indexExists(index))) return 0;
  await client.refresh(index);
  return client.count(index);
}

async function undoOne(action: UndoAction, client: ClusterClient): Promise<void> {
  switch (action.kind) {
    case 'delete-index':
      await client.deleteIndex(action.index);
      return;
    case 'restore-index-setting':
      if (await client.indexExists(action.index)) {
        await client.putIndexSettings(action.index, { [action.setting]: action.previous ?? null });
      }
      return;
    case 'restore-aliases':
      if (action.movedTo) await moveAliasesBack(client, action.index, action.movedTo, action.aliases);
      else if (await client.indexExists(action.index))
        await putIndexAliases(client, action.index, action.aliases);
      return;
    case 'delete-pipeline':
      await deletePipeline(client, action.pipeline);
      return;
    case 'restore-pipeline':
      await putPipeline(client, action.pipeline, action.previous, 'restore');
      return;
    case 'delete-repository':
      await deleteRepository(client, action.repository);
      return;
    case 'delete-snapshot':
      await deleteSnapshot(client, action.repository, action.snapshot);
      return;
  }
}

/** Undoes a move on one cluster atomically; a dest index deleted by an earlier undo took its aliases with it. */
async function moveAliasesBack(
  client: ClusterClient,
  index: string,
  movedTo: string,
  aliases: Record<string, AliasDefinition>,
): Promise<void> {
  if (!(await client.indexExists(index))) return;
  const onMovedTo = (await client.indexExists(movedTo)) ? await getIndexAliases(client, movedTo) : {};
  const remove = Object.keys(aliases).filter((a) => a in onMovedTo);
  await moveIndexAliases(client, { from: movedTo, to: index, remove, add: aliases });
}

// This module's part of the state's results (the record every reader of state.results then sees typed).
declare module '../state/migration-state.js' {
  interface MigrationResults {
    /** Two-pass abort: the delta index kept, with the documents applications wrote during the move. */
    keptDeltaIndex?: { index: string; docs: number };
  }
}
