// Where migrations are saved when no --state-dir is given: FERRY_STATE_HOME, else .ferry in the current folder. One
// place, so `ferry status` or `ferry list` from another shell finds what `ferry run` saved when both set it.
// Not FERRY_STATE_DIR: hooks get that one, naming the migration's own folder.
export function defaultStateDir(): string {
  return process.env.FERRY_STATE_HOME || '.ferry';
}
