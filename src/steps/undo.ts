// Applies recorded undo actions, newest first. Each is removed from state once done, so an interrupted abort
// can simply be run again. Every action tolerates "already undone".
import type { ClusterClient } from '../cluster/client.js';
import { enc } from '../cluster/client.js';
import type { Progress } from '../report/progress.js';
import type { MigrationState } from '../state/migration-state.js';
import type { StateStore } from '../state/state-store.js';
import { describeUndo, type UndoAction } from '../state/undo-action.js';

export async function applyUndo(
  state: MigrationState,
  store: StateStore,
  clients: { source: ClusterClient; dest: ClusterClient },
  progress: Progress,
): Promise<void> {
  while (state.undo.length > 0) {
    const action = state.undo[state.undo.length - 1]!;
    progress.info(`undo: ${describeUndo(action)}`);
    await undoOne(action, clients[action.side]);
    state.undo.pop();
    await store.save(state);
  }
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
    case 'delete-pipeline':
      await client.request({
        method: 'DELETE',
        path: `/_ingest/pipeline/${enc(action.pipeline)}`,
        okStatuses: [404],
        what: `delete pipeline ${action.pipeline}`,
      });
      return;
    case 'restore-pipeline':
      await client.request({
        method: 'PUT',
        path: `/_ingest/pipeline/${enc(action.pipeline)}`,
        body: action.previous,
        what: `restore pipeline ${action.pipeline}`,
      });
      return;
    case 'delete-repository':
      await client.request({
        method: 'DELETE',
        path: `/_snapshot/${enc(action.repository)}`,
        okStatuses: [404],
        what: `unregister repository ${action.repository}`,
      });
      return;
    case 'delete-snapshot':
      await client.request({
        method: 'DELETE',
        path: `/_snapshot/${enc(action.repository)}/${enc(action.snapshot)}`,
        okStatuses: [404],
        what: `delete snapshot ${action.snapshot}`,
      });
      return;
  }
}
