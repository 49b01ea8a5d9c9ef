// How many bytes a cluster can take before its high disk watermark stops it allocating shards.

/** A watermark is a used-percentage/ratio ("90%", "0.9") or a free-space amount ("500mb"). */
export function headroomBytes(
  totalBytes: number,
  availableBytes: number,
  watermark: string,
  thresholdEnabled: boolean,
): number {
  if (!thresholdEnabled) return availableBytes;
  const text = watermark.trim().toLowerCase();
  const ratio = text.endsWith('%')
    ? Number(text.slice(0, -1)) / 100
    : /^\d*\.?\d+$/.test(text)
      ? Number(text)
      : undefined;
  if (ratio !== undefined) {
    // The node may fill up to ratio*total; what is left of that is the headroom.
    return Math.max(0, availableBytes - totalBytes * (1 - ratio));
  }
  return Math.max(0, availableBytes - parseBytes(text));
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
};

export function parseBytes(text: string): number {
  const m = /^(\d*\.?\d+)\s*([kmgtp]?b)$/.exec(text.trim().toLowerCase());
  if (!m) throw new Error(`Cannot read "${text}" as a byte size`);
  return Number(m[1]) * (UNITS[m[2]!] ?? 1);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
