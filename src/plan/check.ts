// One preflight check's outcome. A failed check names the fix; nothing is changed by any check.
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, e.g. "needs 1.2 GB, dest can take 40 GB under its high watermark". */
  detail: string;
  /** What to do when not ok. */
  fix?: string;
  /** Worth knowing but not blocking. */
  warning?: boolean;
}

export function pass(name: string, detail: string): CheckResult {
  return { name, ok: true, detail };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, ok: false, detail, fix };
}

export function warn(name: string, detail: string, fix: string): CheckResult {
  return { name, ok: true, detail, fix, warning: true };
}

export function formatChecks(checks: CheckResult[]): string[] {
  return checks.map((c) => {
    const mark = !c.ok ? 'FAIL' : c.warning ? 'warn' : ' ok ';
    return `[${mark}] ${c.name}: ${c.detail}${!c.ok || c.warning ? `\n         fix: ${c.fix}` : ''}`;
  });
}
