// Public API of verification.
export { currentCheckpoints, parseCheckpoints, readCheckpoints, writeCheckpoints } from './checkpoints.js';
export { formatSummary } from './summary.js';
export type {
  DefinitionDifference,
  DiffClass,
  Difference,
  DocRecord,
  ReportedDifference,
  ShardCheckpoints,
  VerifyLevel,
  VerifyOptions,
  VerifyResult,
} from './types.js';
export { verifyIndices } from './verify-indices.js';
