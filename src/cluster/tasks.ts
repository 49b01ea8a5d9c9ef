// Server-side tasks (reindex), polled for progress.
import { type ClusterClient, enc } from './client.js';

export interface ReindexStatus {
  total: number;
  created: number;
  updated: number;
  deleted: number;
  version_conflicts: number;
  noops: number;
}

export interface TaskState {
  completed: boolean;
  status: ReindexStatus | undefined;
  /** Per-document failures or a task error, when completed. */
  failures: unknown[];
  error: unknown;
}

/** Starts a reindex as a task and returns its id ("node:number"). */
export async function startReindex(client: ClusterClient, body: unknown): Promise<string> {
  const res = await client.json<{ task: string }>({
    method: 'POST',
    path: '/_reindex',
    query: { wait_for_completion: false, refresh: true },
    body,
    idempotent: false,
    what: 'start reindex',
  });
  return res.task;
}

/** Undefined when the task is unknown (e.g. the node restarted and no result was stored). */
export async function getTask(client: ClusterClient, taskId: string): Promise<TaskState | undefined> {
  const res = await client.request<{
    completed: boolean;
    task: { status?: ReindexStatus };
    response?: ReindexStatus & { failures?: unknown[] };
    error?: unknown;
  }>({ method: 'GET', path: `/_tasks/${enc(taskId)}`, okStatuses: [404], what: `read task ${taskId}` });
  if (res.status === 404) return undefined;
  const b = res.body;
  return {
    completed: b.completed,
    status: b.response ?? b.task.status,
    failures: b.response?.failures ?? [],
    error: b.error,
  };
}
