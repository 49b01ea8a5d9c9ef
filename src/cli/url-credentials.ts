// Credentials written into a cluster URL work, but they end up in shell history and in every process list on
// the machine: accepted, with a warning (once per command) that names the variables to use instead.
import type { ConnectionOptions } from '../cluster/connection.js';
import { stripUserInfo } from '../plan/options.js';

const warned = new Set<string>();

export function warnCredentialsInUrl(side: 'source' | 'dest', options: ConnectionOptions): void {
  let userInfo = false;
  try {
    const url = new URL(options.url);
    userInfo = url.username !== '' || url.password !== '';
  } catch {
    return; // an invalid URL is reported where it is parsed
  }
  if (!userInfo || warned.has(side)) return;
  warned.add(side);
  const prefix = `FERRY_${side.toUpperCase()}`;
  console.error(
    `warning: the ${side} URL ${stripUserInfo(options.url)} carries credentials; they are used, but shell history and process lists keep them. Use ${prefix}_USERNAME and ${prefix}_PASSWORD (or ${side}.username/password in a --plan file) instead.`,
  );
}
