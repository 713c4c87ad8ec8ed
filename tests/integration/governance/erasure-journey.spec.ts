import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import { pinoHttpOptions } from '../../../libs/core/src/logging/logging.module.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type PartnershipRole, type TestApp } from '../../support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../notifications/support/receivers.js';

/**
 * Information governance, end to end (docs/governance.md): a case with distinctive personal data
 * runs through the closure pathway with a retention of seconds and ends erased — the whole database
 * (every text and JSON column of every table) no longer holds the subject's name, notes or date of
 * birth, its emails are gone, the audit log records the erasure — and no log line, webhook body or
 * email ever carried that data.
 */

// Every log line of this file: the first pino logger of a process is the root the app's loggers write through.
const raw: string[] = [];
const pino = new PinoLogger({ pinoHttp: [pinoHttpOptions('debug'), { write: (s: string) => void raw.push(s) }] });
NestLogger.overrideLogger(new Logger(pino, {}));

const tag = randomUUID().slice(0, 6);
const NAME = `Zebediah Quillfeather${tag}`;
const DOB = '1931-02-13';
const NOTE = `Marrowby${tag} relapse concern at the Birchwood flat`;
const RESTRICTED = `Ulvenstad${tag} police intelligence`;
const MINUTES = `Minutes: Quillfeather${tag} engaged well`;
const DECISION = `Decision Hollinsrow${tag}`;
const OUTCOME = `Outcome Pemberwick${tag}`;
const RATIONALE = `Rationale Trevaskis${tag}`;
const SECRETS = [NAME, `Quillfeather${tag}`, DOB, `Marrowby${tag}`, `Ulvenstad${tag}`, `Hollinsrow${tag}`, `Pemberwick${tag}`, `Trevaskis${tag}`];

describe('a case driven through closure with a retention of seconds', () => {
  let t: TestApp;
  let p: Partnership;
  let hooks: WebhookReceiver;
  const dataDir = mkdtempSync(join(tmpdir(), 'convene-governance-'));
  let caseId: string;

  beforeAll(async () => {
    hooks = await startWebhookReceiver('governance-secret-123');
    t = await startTestApp({ DATA_DIR: dataDir, DELIVERY_BACKOFF_BASE_MS: '200' });
    t.app.useLogger(t.app.get(Logger));
    p = await seedPartnership(t, {
      police: { webhookUrl: hooks.url, webhookSecret: 'governance-secret-123', deliveryHours: 'always' },
      probation: { email: `probation.${tag}@example.org`, deliveryHours: 'always' },
      coordinator: { deliveryHours: 'always' },
      exit_programme: { deliveryHours: 'always' },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await hooks?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cm = () => p.tokens.coordinator;
  const tokenOf = (agencyId: string) => p.tokens[(Object.keys(p.agencies) as PartnershipRole[]).find((r) => p.agencies[r].id === agencyId)!];

  async function send(type: string, data?: Record<string, unknown>) {
    const detail = (await t.request('GET', `/api/cases/${caseId}`, { token: cm() })).body;
    const inst = detail.pathways.find((x: { key: string; status: string }) => x.key === 'closure' && x.status === 'active');
    const res = await t.request('POST', `/api/cases/${caseId}/events`, { token: cm(), body: { instanceId: inst.instanceId, type, data } });
    if (res.status !== 200) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { state: unknown; status: string };
  }

  async function completeOpenTasks() {
    const open = (await t.request('GET', `/api/tasks?caseId=${caseId}&status=open`, { token: cm() })).body.items as Array<{ id: string; assigneeAgencyId: string }>;
    for (const task of open) {
      const done = await t.request('POST', `/api/tasks/${task.id}/complete`, { token: tokenOf(task.assigneeAgencyId), body: { outcome: OUTCOME, note: `Spoke with ${NAME}` } });
      expect(done.status).toBe(200);
    }
  }

  /** Every text and JSON column of every table of every non-system schema that holds one of `needles`. */
  async function searchDatabase(needles: string[]): Promise<string[]> {
    const columns: Array<{ s: string; t: string; c: string }> = await t.db.query(
      `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
        WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') OR c.data_type = 'ARRAY')`,
    );
    expect(columns.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const { s, t: table, c } of columns) {
      for (const needle of needles) {
        const [row] = await t.db.query(`SELECT count(*)::int AS n FROM "${s}"."${table}" WHERE "${c}"::text ILIKE '%' || $1 || '%'`, [needle]);
        if (row.n > 0) found.push(`${s}.${table}.${c} holds ${JSON.stringify(needle)}`);
      }
    }
    return found;
  }

  it('erases the personal data, keeps the reference and the record, and leaked it nowhere on the way', async () => {
    // The partnership's retention: the shipped closure pathway with seconds instead of 5 years.
    const closure = (await t.request('GET', '/api/pathways/closure', { token: p.adminToken })).body;
    const shipped = (await t.request('GET', `/api/pathways/closure/versions/${closure.publishedVersion}`, { token: p.adminToken })).body.definition;
    const retention = shipped.machine.states.retention;
    retention.after = { PT2S: retention.after.P5Y };
    const draft = await t.request('POST', '/api/pathways/closure/versions', { token: p.adminToken, body: { definition: shipped } });
    expect(draft.status).toBe(201);
    expect((await t.request('POST', `/api/pathways/closure/versions/${draft.body.version}/publish`, { token: p.adminToken })).status).toBe(200);

    const created = await t.request('POST', '/api/cases', {
      token: cm(),
      body: {
        subject: { name: NAME, dateOfBirth: DOB },
        leadAgencyId: p.agencies.coordinator.id,
        participants: (['police', 'probation', 'exit_programme'] as const).map((role) => ({ agencyId: p.agencies[role].id, role })),
        lawfulBasis: { basis: 'public_task', note: `Basis for ${NAME}` },
      },
      headers: { 'Idempotency-Key': `create-${tag}` },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const reference = created.body.reference as string;
    expect((await t.request('POST', `/api/cases/${caseId}/notes`, { token: cm(), body: { text: NOTE }, headers: { 'Idempotency-Key': `note-${tag}` } })).status).toBe(201);
    expect((await t.request('POST', `/api/cases/${caseId}/notes`, { token: p.tokens.police, body: { text: RESTRICTED, restrictedTo: [p.agencies.coordinator.id] } })).status).toBe(201);
    expect((await t.request('GET', `/api/cases?q=Marrowby${tag}`, { token: cm() })).body.total).toBe(1);

    expect((await t.request('POST', `/api/cases/${caseId}/pathways`, { token: cm(), body: { key: 'closure' } })).status).toBe(201);
    await completeOpenTasks();
    await send('READY_FOR_CONFERENCE');
    const conf = await t.request('POST', `/api/cases/${caseId}/conferences`, {
      token: cm(),
      body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), location: `Home of ${NAME}` },
    });
    expect(conf.status).toBe(201);
    for (const role of ['coordinator', 'police', 'probation'] as const) {
      expect((await t.request('POST', `/api/conferences/${conf.body.id}/attendance`, { token: cm(), body: { agencyId: p.agencies[role].id, attended: true } })).status).toBe(200);
    }
    const minutes = await t.request('POST', `/api/conferences/${conf.body.id}/minutes`, {
      token: cm(),
      body: {
        text: MINUTES,
        decisions: [DECISION, { text: `${DECISION} restricted`, rationale: RATIONALE, restrictedTo: [p.agencies.police.id] }],
        actions: [{ title: 'Arrange the exit interview', agencyId: p.agencies.probation.id, dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }],
      },
    });
    expect(minutes.status).toBe(200);
    await completeOpenTasks();
    await send('CLOSURE_AGREED', { rationale: RATIONALE, exitDate: '2031-01-01' });
    await completeOpenTasks();
    await send('FOLLOW_UP_DONE');
    await completeOpenTasks();
    expect((await send('FOLLOW_UP_DONE')).state).toBe('retention');

    // Before the retention runs out: the data is there, the notifications went out (webhook and email files).
    expect((await searchDatabase([NAME])).length).toBeGreaterThan(0);
    await eventually(() => hooks.received.length > 0, 20_000, 'a webhook delivery');
    const mailDir = join(dataDir, 'mail');
    const emails = await eventually(() => {
      try {
        const files = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
        return files.length > 0 ? files : undefined;
      } catch {
        return undefined;
      }
    }, 20_000, 'an email file');
    const mailBodies = emails.map((f) => readFileSync(join(mailDir, f), 'utf8')).join('\n');

    const erased = await eventually(async () => {
      const res = await t.request('GET', `/api/cases/${caseId}`, { token: cm() });
      return res.body.status === 'erased' ? res.body : undefined;
    }, 20_000, 'the erasure');
    expect(Object.keys(erased).sort()).toEqual(['erasedAt', 'id', 'reference', 'status']);
    expect(erased).toMatchObject({ id: caseId, reference, status: 'erased' });

    // Nothing of the person is left in any table.
    expect(await searchDatabase(SECRETS)).toEqual([]);
    // The reference, dates and states stay; the erasure is recorded, in the event log and the audit log.
    const [row] = await t.db.query(`SELECT reference, status, created_at, erased_at FROM cases WHERE id = $1`, [caseId]);
    expect(row).toMatchObject({ reference, status: 'erased' });
    const [instance] = await t.db.query(`SELECT state_value, status FROM pathway_instances WHERE case_id = $1 AND pathway_key = 'closure'`, [caseId]);
    expect(instance).toEqual({ state_value: 'erased', status: 'done' });
    const audit = await t.request('GET', `/api/audit?caseId=${caseId}&action=case.erase`, { token: p.adminToken });
    expect(audit.body.items).toHaveLength(1);
    const events = await t.db.query(`SELECT type FROM case_events WHERE case_id = $1 AND type = 'case.erased'`, [caseId]);
    expect(events).toHaveLength(1);
    // Its emails are gone; other cases' files (none here) would stay.
    expect(readdirSync(mailDir).filter((f) => f.endsWith('.eml'))).toEqual([]);
    // Nothing else can be read or exported.
    expect((await t.request('GET', `/api/cases/${caseId}/export`, { token: cm() })).body).toEqual(erased);
    expect((await t.request('GET', `/api/cases/${caseId}/notes`, { token: cm() })).body.items).toEqual([]);
    expect(JSON.stringify((await t.request('GET', `/api/cases/${caseId}/timeline`, { token: cm() })).body)).not.toContain(tag);
    const listed = (await t.request('GET', `/api/cases?limit=200`, { token: cm() })).body.items.find((c: { id: string }) => c.id === caseId);
    expect(listed).toMatchObject({ status: 'erased', subject: null });
    // Erasing twice is harmless: the stub stays as it is.
    expect((await t.request('GET', `/api/cases/${caseId}`, { token: cm() })).body).toEqual(erased);

    // No log line, webhook body or email carried the person's data, at any time.
    const outgoing = [raw.join('\n'), JSON.stringify(hooks.received.map((h) => h.body)), mailBodies].join('\n');
    for (const secret of SECRETS) expect({ secret, leaked: outgoing.includes(secret) }).toEqual({ secret, leaked: false });
    expect(raw.length).toBeGreaterThan(10);
  }, 120_000);

  it('holds the erasure back while a legal hold is set, and erases once it is lifted', async () => {
    const created = await t.request('POST', '/api/cases', {
      token: cm(),
      body: {
        subject: { name: `Held ${NAME}` },
        leadAgencyId: p.agencies.coordinator.id,
        participants: (['police', 'probation', 'exit_programme'] as const).map((role) => ({ agencyId: p.agencies[role].id, role })),
        keyDates: { legalHold: '2031-01-01' },
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    expect((await t.request('POST', `/api/cases/${caseId}/pathways`, { token: cm(), body: { key: 'closure' } })).status).toBe(201);
    await completeOpenTasks();
    await send('READY_FOR_CONFERENCE');
    const conf = await t.request('POST', `/api/cases/${caseId}/conferences`, { token: cm(), body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() } });
    for (const role of ['coordinator', 'police', 'probation'] as const) {
      await t.request('POST', `/api/conferences/${conf.body.id}/attendance`, { token: cm(), body: { agencyId: p.agencies[role].id, attended: true } });
    }
    await completeOpenTasks();
    await send('CLOSURE_AGREED');
    await completeOpenTasks();
    await send('FOLLOW_UP_DONE');
    await completeOpenTasks();
    await send('FOLLOW_UP_DONE');
    // The retention (seconds) runs out, but the hold keeps everything.
    const waiting = await eventually(async () => {
      const detail = (await t.request('GET', `/api/cases/${caseId}`, { token: cm() })).body;
      return detail.pathways.find((x: { key: string }) => x.key === 'closure')?.state === 'erasureDue' ? detail : undefined;
    }, 20_000, 'the retention to run out');
    expect(waiting).toMatchObject({ status: 'closed', subject: { name: `Held ${NAME}` } });
    // Lifting the hold erases the case in the same request.
    const lifted = await t.request('PATCH', `/api/cases/${caseId}`, { token: cm(), body: { keyDates: { legalHold: null } } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ id: caseId, status: 'erased' });
    expect(await searchDatabase([`Held ${NAME}`])).toEqual([]);
  }, 90_000);
});
