// The workload generator's public surface, with the record format and comparison it shares with `ferry audit`.

export {
  compareWithOracle,
  diff,
  type Mismatch,
  type OracleComparison,
  type Origin,
} from '../../src/audit/compare.js';
export * from '../../src/audit/record.js';
export { reportFromJson, reportToJson, type WorkloadReportJson } from '../../src/audit/record-json.js';
export { cityDocs, loadCities } from './cities.js';
export { detectFeatures, type WorkloadFeatures } from './features.js';
export { loadInitial, readInitial } from './initial.js';
export { createRng, type Rng } from './prng.js';
export { startWorkload, type Target, type Workload, type WorkloadOptions } from './workload.js';
