// What it takes to put one change back. Recorded before the change is made (DESIGN: nothing destructive
// without first recording how to undo it), so a kill between "record" and "change" only leaves an undo
// that is harmless to apply.
import type { AliasDefinition } from '../cluster/aliases.js';

export type ClusterSide = 'source' | 'dest';

export type UndoAction =
  /** An index Ferry created: delete it. */
  | { kind: 'delete-index'; side: ClusterSide; index: string; reason: string }
  /** An index setting Ferry changed: put the old value back (null = the setting was not set). */
  | {
      kind: 'restore-index-setting';
      side: ClusterSide;
      index: string;
      setting: string;
      previous: unknown;
      reason: string;
    }
  /** A pipeline Ferry created: delete it. */
  | { kind: 'delete-pipeline'; side: ClusterSide; pipeline: string; reason: string }
  /** A pipeline Ferry overwrote: put its old body back. */
  | { kind: 'restore-pipeline'; side: ClusterSide; pipeline: string; previous: unknown; reason: string }
  /** A snapshot repository Ferry registered: unregister it (the files stay). */
  | { kind: 'delete-repository'; side: ClusterSide; repository: string; reason: string }
  /** Aliases Ferry changed on an index: set them back to these definitions. */
  | {
      kind: 'restore-aliases';
      side: ClusterSide;
      index: string;
      aliases: Record<string, AliasDefinition>;
      /** One cluster: the aliases were moved from `index` to this index; the undo takes them off it in the same request. */
      movedTo?: string;
      reason: string;
    }
  /** A snapshot Ferry took: delete it. */
  | { kind: 'delete-snapshot'; side: ClusterSide; repository: string; snapshot: string; reason: string };

export function describeUndo(action: UndoAction): string {
  switch (action.kind) {
    case 'delete-index':
      return `delete index ${action.index} on ${action.side} (${action.reason})`;
    case 'restore-index-setting':
      return `set ${action.setting} of ${action.side}:${action.index} back to ${JSON.stringify(action.previous)} (${action.reason})`;
    case 'delete-pipeline':
      return `delete pipeline ${action.pipeline} on ${action.side} (${action.reason})`;
    case 'restore-pipeline':
      return `restore pipeline ${action.pipeline} on ${action.side} (${action.reason})`;
    case 'delete-repository':
      return `unregister repository ${action.repository} on ${action.side} (${action.reason})`;
    case 'restore-aliases':
      return `set aliases ${Object.keys(action.aliases).join(', ')} of ${action.side}:${action.index} back as they were${action.movedTo ? ` and take them off ${action.movedTo}` : ''} (${action.reason})`;
    case 'delete-snapshot':
      return `delete snapshot ${action.repository}/${action.snapshot} on ${action.side} (${action.reason})`;
  }
}
