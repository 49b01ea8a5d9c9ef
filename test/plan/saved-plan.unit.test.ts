// A saved migration gets its credentials again from the same sources as run (FERRY_* variables, --plan file,
// URL user info); state never holds one, and a missing one is named before anything is sent.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConnection } from '../../src/cluster/connection.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadPlan, type PlanFlags, publicPlan } from '../../src/plan/options.js';
import { rebuildPlan } from '../../src/plan/saved-plan.js';
import { newState } from '../../src/state/migration-state.js';

const SECRET = 'pa55-w0rd:/@x';
const enc = encodeURIComponent(SECRET);

function savedFrom(flags: PlanFlags, env: NodeJS.ProcessEnv = {}) {
  const plan = loadPlan(flags, env);
  const state = newState(plan.id, plan.strategy, publicPlan(plan), ['preflight'], new Date());
  assert.ok(!JSON.stringify(state).includes(SECRET), 'a secret reached the state');
  assert.ok(!JSON.stringify(state).includes(enc), 'an encoded secret reached the state');
  assert.ok(!JSON.stringify(state).includes('***'), 'a redaction mark would be read back as a user name');
  return state;
}

function authOf(options: Parameters<typeof resolveConnection>[0]): string | undefined {
  return resolveConnection(options).authorization;
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    const text = `${e.message} ${e.hint}`;
    assert.match(text, pattern);
    assert.ok(!text.includes(SECRET));
    return true;
  });
}

describe('rebuildPlan', () => {
  const run = {
    sourceUrl: `http://ferry:${enc}@old:9200`,
    destUrl: 'http://new:9200',
    sourceIndex: 'orders',
  };

  it('URL credentials at run time: refused without them, naming every way to give them', () => {
    const state = savedFrom(run);
    refused(
      () => rebuildPlan(state, '.ferry', { id: state.id }, {}),
      /source cluster was reached with a username and password[\s\S]*FERRY_SOURCE_USERNAME and FERRY_SOURCE_PASSWORD[\s\S]*--plan[\s\S]*--source-url/,
    );
  });

  it('URL credentials at run time, given again in the URL or by variables: sent as at run time', () => {
    const state = savedFrom(run);
    const again = rebuildPlan(state, '.ferry', { id: state.id, sourceUrl: run.sourceUrl }, {}).plan;
    assert.equal(authOf(again.source), basic('ferry', SECRET));
    assert.equal(authOf(again.dest), undefined);
    const byEnv = rebuildPlan(
      state,
      '.ferry',
      { id: state.id },
      { FERRY_SOURCE_USERNAME: 'ferry', FERRY_SOURCE_PASSWORD: SECRET },
    ).plan;
    assert.equal(authOf(byEnv.source), basic('ferry', SECRET));
    assert.equal(byEnv.source.url, 'http://old:9200');
  });

  it('plan file credentials: resume --plan sends them; without it, the missing one is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-saved-'));
    const file = join(dir, 'plan.yml');
    await writeFile(
      file,
      `source:\n  url: http://old:9200\n  username: ferry\n  password: "${SECRET}"\ndest:\n  url: http://new:9200\n  api_key: a2V5\nsource_index: orders\nquiet_seconds: 10\n`,
    );
    const state = savedFrom({ plan: file });
    refused(() => rebuildPlan(state, '.ferry', { id: state.id }, {}), /FERRY_SOURCE_USERNAME/);
    refused(
      () =>
        rebuildPlan(
          state,
          '.ferry',
          { id: state.id },
          { FERRY_SOURCE_USERNAME: 'ferry', FERRY_SOURCE_PASSWORD: SECRET },
        ),
      /dest cluster was reached with an API key[\s\S]*FERRY_DEST_API_KEY/,
    );
    const again = rebuildPlan(state, '.ferry', { plan: file }, {}).plan;
    assert.equal(authOf(again.source), basic('ferry', SECRET));
    assert.equal(authOf(again.dest), 'ApiKey a2V5');
  });

  it('a client certificate at run time: asked for again on resume, by flag or variable', () => {
    const state = savedFrom({ ...run, destCert: '/certs/client.pem', destKey: '/certs/client-key.pem' });
    const env = { FERRY_SOURCE_USERNAME: 'ferry', FERRY_SOURCE_PASSWORD: SECRET };
    refused(
      () => rebuildPlan(state, '.ferry', { id: state.id }, env),
      /dest cluster was reached with a client certificate[\s\S]*--dest-cert and --dest-key, FERRY_DEST_CERT and FERRY_DEST_KEY/,
    );
    const byFlags = rebuildPlan(
      state,
      '.ferry',
      { id: state.id, destCert: '/certs/client.pem', destKey: '/certs/client-key.pem' },
      env,
    ).plan;
    assert.equal(byFlags.dest.certFile, '/certs/client.pem');
    assert.equal(byFlags.dest.keyFile, '/certs/client-key.pem');
    const byEnv = rebuildPlan(
      state,
      '.ferry',
      { id: state.id },
      {
        ...env,
        FERRY_DEST_CERT: '/c.pem',
        FERRY_DEST_KEY: '/k.pem',
      },
    ).plan;
    assert.equal(byEnv.dest.certFile, '/c.pem');
  });

  it('a certificate without its key (or a key without its certificate) is refused', () => {
    refused(
      () => resolveConnection({ url: 'https://old:9200', certFile: '/certs/client.pem' }),
      /needs both its certificate file and its key file[\s\S]*--source-cert and --source-key/,
    );
  });

  it('commands that only read the state need no credentials', () => {
    const state = savedFrom(run);
    const { plan } = rebuildPlan(state, '.ferry', { id: state.id }, {}, false);
    assert.equal(authOf(plan.source), undefined);
  });

  it('old states with "***@" in the URL do not send "***" as a user', () => {
    const state = savedFrom({ ...run, sourceUrl: 'http://old:9200' });
    state.plan.source = 'http://***@old:9200';
    delete state.plan.access;
    const { plan } = rebuildPlan(state, '.ferry', { id: state.id }, {});
    assert.equal(authOf(plan.source), undefined);
  });

  it('tuning may change, identity may not', () => {
    const state = savedFrom({ ...run, sourceUrl: 'http://old:9200' });
    const { plan, changes } = rebuildPlan(state, '.ferry', { id: state.id, quietSeconds: '3' }, {});
    assert.equal(plan.quietSeconds, 3);
    assert.deepEqual(changes, ['quiet_seconds 10 -> 3']);
    refused(
      () => rebuildPlan(state, '.ferry', { id: state.id, destIndex: 'other' }, {}),
      /dest_index: "other" given, "orders" saved/,
    );
    refused(() => rebuildPlan(state, '.ferry', { id: state.id, quietSeconds: '-1' }, {}), /quiet_seconds/);
    state.results.switchAcknowledgedAt = '2026-01-01T00:00:00Z';
    refused(() => rebuildPlan(state, '.ferry', { id: state.id, writeBlock: true }, {}), /already switched/);
  });
});
