// One self-contained HTML page for a migration: the live page of `ferry status --web` (it polls the local
// status server) and the final report file (everything embedded). uPlot and its CSS are inlined, so the page
// needs no network at all.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MigrationState } from '../state/migration-state.js';
import type { ConflictRow } from '../sync/ledger.js';
import { PAGE_SCRIPT } from './html-page-script.js';

export interface PageOptions {
  /** Poll the status server for fresh state every two seconds. */
  live: boolean;
  /** Conflicts to list (the report shows the first ones; the full list is in conflicts.ndjson). */
  conflicts?: ConflictRow[];
}

let assets: { js: string; css: string } | undefined;

function uplotAssets(): { js: string; css: string } {
  if (!assets) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    assets = { js: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
  }
  return assets;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function renderHtmlPage(state: MigrationState, options: PageOptions): string {
  const { js, css } = uplotAssets();
  const plan = state.plan;
  const title = `Ferry ${options.live ? 'live' : 'report'}: ${state.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}
body{font:14px system-ui,sans-serif;margin:20px;color:#111}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#555;margin-bottom:16px}.chart{margin:12px 0}.empty{color:#888}
table{border-collapse:collapse}td{padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
.timeline{width:100%;max-width:1100px}.barcell{width:55%}.bar{height:12px;border-radius:3px;background:#2563eb}
.bar.running{background:#d97706}.bar.failed{background:#dc2626}.bar.pending{background:#9ca3af}
.status.failed,.error{color:#dc2626}.num{text-align:right;white-space:nowrap}
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="sub">${escapeHtml(`strategy ${state.strategy}: ${plan.source ?? '?'} ${plan.sourceIndex ?? ''} → ${plan.dest ?? '?'} ${plan.destIndex ?? ''}`)} · <span id="status"></span></div>
<div id="charts"></div>
<h2>Steps</h2><div id="timeline"></div>
<div id="facts"></div>
<script type="application/json" id="ferry-state">${scriptJson(state)}</script>
<script>window.FERRY_LIVE=${options.live ? 'true' : 'false'};window.FERRY_CONFLICTS=${scriptJson(options.conflicts ?? [])};</script>
<script>${js}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
