// The workload generator's public surface.
export { cityDocs, loadCities } from './cities.js';
export { compareWithOracle, diff, type Mismatch, type OracleComparison, type Origin } from './compare.js';
export { detectFeatures, type WorkloadFeatures } from './features.js';
export { loadInitial, readInitial } from './initial.js';
export { createRng, type Rng } from './prng.js';
export { reportFromJson, reportToJson, type WorkloadReportJson } from './serialize.js';
export * from './types.js';
export { startWorkload, type Workload, type WorkloadOptions } from './workload.js';
