// Placeholder until the Elasticsearch 8/9 zip launcher lands.
export interface ZipNodeLaunch {
  version: string;
  clusterName: string;
  httpPort: number;
  transportPort: number;
  baseDir: string;
  repoDir: string;
  settings: Record<string, string | number | boolean | string[]>;
  heapMb: number;
}
export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}
export async function prepareElasticsearchZip(version: string): Promise<{ home: string; javaHome: string }> {
  throw new Error(`Elasticsearch ${version} is not available in the test bed yet`);
}
export async function elasticsearchZipSpawn(
  _launch: ZipNodeLaunch,
  _prepared: { home: string; javaHome: string },
): Promise<SpawnSpec> {
  throw new Error('Elasticsearch zip launcher not available');
}
