// The error every layer throws at the operator: a message and the fix. Whether an error is worth retrying is
// decided by its class (cluster/errors.ts adds the cluster's), never by matching message text.

export class FerryError extends Error {
  /** What the operator should do next; every message shown to an operator carries one. */
  readonly hint: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad input found before anything was changed. */
export class ConfigError extends FerryError {}
