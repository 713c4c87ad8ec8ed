import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, unique, type Partnership, type TestApp } from '../support/app.js';
import { at } from '../support/defined.js';

/**
 * Walks every operation of the OpenAPI document with malformed input derived from its own request
 * schemas (wrong types, NUL and lone surrogates, deep nesting, huge strings, bad ids and queries,
 * wrong content types, invalid JSON), so an endpoint added later is covered without editing this
 * file. Every answer must be a 4xx problem JSON (or a success); a 5xx or a bare 4xx fails.
 * Deterministic: no random input, only the names of the fixtures are unique per run.
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  tag: string;
  parameters: Parameter[];
  body?: Schema;
}

interface Attempt {
  label: string;
  path: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const FIXED_UUID = '00000000-0000-4000-8000-000000000000';
const DEEP = 10_000;
const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const HUGE_STRING = 'x'.repeat(20 * 1024);
const STACK_TRACE = /\bat .+\.(ts|js):\d+/;

/** Strings that must never reach the database: NUL, lone high and low surrogates. */
const POISON: Array<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['only NUL', '\u0000'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', 'x\udfffy'],
  ['reversed surrogate pair', '\udc00\ud800'],
];

/** Values for one field of a different type than its schema says. */
function wrongTypes(value: unknown): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [['null', null]];
  if (typeof value !== 'number') out.push(['number', 12345], ['huge number', 1e300]);
  if (typeof value === 'number') out.push(['string', 'not a number'], ['fraction', 1.5], ['negative', -1]);
  if (typeof value !== 'string') out.push(['string', 'text']);
  if (typeof value !== 'boolean') out.push(['boolean', true]);
  if (!Array.isArray(value)) out.push(['array', ['x']]);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) out.push(['object', { a: 1 }]);
  return out;
}

/** Path parameter values no client should send. */
const BAD_IDS: Array<[string, string]> = [
  ['not-a-uuid', 'not-a-uuid'],
  ['%00', '%00'],
  ['NUL inside', 'a%00b'],
  ['lone surrogate (invalid UTF-8)', '%ED%A0%80'],
  ['bad percent-encoding', '%ZZ'],
  ['emoji', '%F0%9F%98%80'],
  ['huge number', '9'.repeat(40)],
  ['huge id', 'a'.repeat(5000)],
  ['dot segments', '..%2F..%2Fetc'],
  ['space', '%20'],
];

/** Query values no client should send (raw, already URL-encoded). */
const BAD_QUERY_VALUES: Array<[string, string]> = [
  ['NUL', 'a%00b'],
  ['only NUL', '%00'],
  ['lone surrogate (invalid UTF-8)', '%ED%A0%80'],
  ['bad percent-encoding', '%ZZ'],
  ['wrong type', 'not-a-number'],
  ['negative', '-1'],
  ['huge number', '9'.repeat(400)],
  ['empty', ''],
  ['8 KB', 'q'.repeat(8 * 1024)],
];

// Strings tried, in order, against a schema's pattern to build a value it accepts.
const PATTERN_CANDIDATES = ['probation', 'releaseDate', 'ACCEPT', 'en', 'NL', 'referral', '-P1D', 'fuzz-key'];
// Fields whose rules JSON Schema cannot state (refinements): a value that passes them.
const NAME_HINTS: Record<string, string> = { timezone: 'Europe/London', reminders: '-P1D', password: 'correct horse battery staple' };

describe('OpenAPI fuzz: malformed input to every operation answers problem JSON, never a 5xx', () => {
  let t: TestApp;
  let p: Partnership;
  let doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, Schema> } };
  let operations: Operation[];
  let adminToken: string;
  let adminLogin: { email: string; password: string };
  /** Existing resources the operations name (set in beforeAll). */
  let fx: {
    key: string;
    caseId: string;
    instanceId: string;
    taskId: string;
    conferenceId: string;
    notificationId: string;
    participant: string;
    outsider: string;
    userId: string;
  };
  const tested = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    doc = (await t.request('GET', '/docs-json')).body;
    operations = listOperations();

    // An administrator who is also a case manager at the lead agency, so that both the
    // administration routes and the case routes get past authorisation to their validation.
    adminLogin = { email: `fuzz.${unique('admin').split(' ')[1]}@example.org`, password: 'correct horse battery staple' };
    const user = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { ...adminLogin, name: 'Fuzz Admin', agencyId: p.agencies.coordinator.id, roles: ['admin', 'case_manager'] },
    });
    expect(user.status).toBe(201);
    adminToken = await t.login(adminLogin.email, adminLogin.password);

    // A pathway of this file's own, so publishing, retiring and migrating touch nothing of other tests.
    const key = `fuzz-${unique('k').split(' ')[1]}`;
    const definition = { key, title: 'Fuzz', machine: { id: key, initial: 'open', states: { open: { on: { DONE: 'done' } }, done: { type: 'final' } } } };
    expect((await t.request('POST', `/api/pathways/${key}/versions`, { token: adminToken, body: { definition } })).status).toBe(201);
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: adminToken })).status).toBe(200);
    const created = await t.request('POST', '/api/cases', {
      token: adminToken,
      body: { subject: { name: 'Fuzz Subject' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: adminToken, body: { key: 'referral' } });
    expect(started.status).toBe(201);
    const tasks = await t.request('GET', `/api/tasks?caseId=${created.body.id}`, { token: adminToken });
    const conference = await t.request('POST', `/api/cases/${created.body.id}/conferences`, {
      token: adminToken,
      body: { scheduledAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
    });
    expect(conference.status).toBe(201);
    const notifications = await t.request('GET', '/api/notifications', { token: p.tokens.probation });
    fx = {
      key,
      caseId: created.body.id,
      instanceId: started.body.instanceId,
      taskId: tasks.body.items[0]?.id ?? FIXED_UUID,
      conferenceId: conference.body.id,
      notificationId: notifications.body.items?.[0]?.id ?? FIXED_UUID,
      participant: p.agencies.probation.id,
      // Not taking part in the case: DELETE …/participants/{agencyId} reaches its checks but
      // never removes the agency the other operations rely on.
      outsider: p.agencies.housing.id,
      userId: p.users.probation.id,
    };
  });
  afterAll(() => t.close());

  function resolve(schema: Schema | undefined): Schema {
    if (!schema?.$ref) return schema ?? {};
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc.components?.schemas?.[name]);
  }

  function listOperations(): Operation[] {
    const ops: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
        ops.push({
          method: method.toUpperCase(),
          path,
          tag: (op.tags as string[] | undefined)?.[0] ?? 'other',
          parameters: (op.parameters as Parameter[] | undefined) ?? [],
          body: content?.['application/json']?.schema,
        });
      }
    }
    return ops;
  }

  /** A value the schema accepts, as far as JSON Schema can say; ids come from the fixtures. */
  function sample(raw: Schema | undefined, name = ''): unknown {
    const schema = resolve(raw);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return schema.enum[0];
    const options = schema.anyOf ?? schema.oneOf;
    if (options) return sample(options.find((o) => resolve(o).type !== 'null') ?? options[0], name);
    if (schema.allOf) return sample(schema.allOf[0], name);
    const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
    switch (type) {
      case 'string':
        return sampleString(schema, name);
      case 'integer':
      case 'number':
        return Math.max(schema.minimum ?? 1, 1);
      case 'boolean':
        return true;
      case 'null':
        return null;
      case 'array':
        return Array.from({ length: Math.max(schema.minItems ?? 1, 1) }, () => sample(schema.items, name));
      case 'object': {
        if (schema.properties) return Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, sample(s, k)]));
        if (typeof schema.additionalProperties === 'object') {
          return { [sampleString(resolve(schema.propertyNames), '')]: sample(schema.additionalProperties) };
        }
        return {};
      }
      default:
        // Anything goes (z.unknown(), e.g. a pathway definition): an object with a text field to poison.
        return { note: 'fuzz text' };
    }
  }

  function sampleString(schema: Schema, name: string): string {
    const hint = NAME_HINTS[name];
    if (hint !== undefined) return hint;
    if (schema.format === 'uuid') return uuidFor(name);
    if (schema.format === 'date') return '2027-03-01';
    if (schema.format === 'date-time') return '2027-03-01T10:00:00Z';
    if (schema.format === 'email') return 'fuzz@example.org';
    if (schema.format === 'uri') return 'https://example.org/hook';
    if (name === 'key') return fx.key;
    if (schema.pattern) {
      const pattern = new RegExp(schema.pattern);
      const found = PATTERN_CANDIDATES.find((c) => pattern.test(c));
      if (found) return found;
    }
    return 'fuzz text'.padEnd(schema.minLength ?? 0, '.');
  }

  function uuidFor(name: string): string {
    if (name === 'leadAgencyId' || name === 'agencyId' || name === 'agencyIds') return fx.participant;
    if (name === 'instanceId' || name === 'instanceIds') return fx.instanceId;
    if (name === 'caseId') return fx.caseId;
    if (name === 'userId') return fx.userId;
    return FIXED_UUID;
  }

  /** A path parameter that names an existing resource where the fixtures have one. */
  function paramFor(op: Operation, name: string): string {
    if (name === 'key') return fx.key;
    if (name === 'version') return '1';
    if (name === 'agencyId') return fx.outsider;
    const collection = op.path.split('/')[2] ?? '';
    const byCollection: Record<string, string> = {
      cases: fx.caseId,
      tasks: fx.taskId,
      conferences: fx.conferenceId,
      agencies: fx.participant,
      users: fx.userId,
      notifications: fx.notificationId,
    };
    return byCollection[collection] ?? FIXED_UUID;
  }

  function pathOf(op: Operation, replace: Record<string, string> = {}): string {
    return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => replace[name] ?? encodeURIComponent(paramFor(op, name)));
  }

  /** Every [path, value] inside a JSON value, the root excluded. */
  function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (value === null || typeof value !== 'object') return path.length ? [path] : [];
    const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    return [...(path.length ? [path] : []), ...children.flatMap(([k, v]) => leaves(v, [...path, k]))];
  }

  function setAt(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
    const copy = structuredClone(value) as Record<string | number, unknown>;
    let node = copy;
    for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
    node[at(path, -1, 'leaf path')] = replacement;
    return copy;
  }

  function getAt(value: unknown, path: Array<string | number>): unknown {
    return path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], value);
  }

  const label = (path: Array<string | number>) => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');

  /** Malformed bodies for one operation: per field, then for the body as a whole. */
  function bodyAttempts(op: Operation, opts: { full: boolean }): Attempt[] {
    if (op.method === 'GET' || op.method === 'HEAD') return [];
    const path = pathOf(op);
    const base = op.body ? sample(op.body) : {};
    const json = (label: string, body: unknown): Attempt => ({ label, path, body: JSON.stringify(body), contentType: 'application/json' });
    const attempts: Attempt[] = [];
    for (const field of leaves(base)) {
      const current = getAt(base, field);
      if (typeof current === 'string' || opts.full) {
        for (const [what, poison] of POISON) attempts.push(json(`$${label(field)} ${what}`, setAt(base, field, poison)));
      }
      if (!opts.full) continue;
      for (const [what, wrong] of wrongTypes(current)) attempts.push(json(`$${label(field)} ${what}`, setAt(base, field, wrong)));
      attempts.push(json(`$${label(field)} 20 KB string`, setAt(base, field, HUGE_STRING)));
      const text = JSON.stringify(setAt(base, field, '__DEEP__'));
      attempts.push({ label: `$${label(field)} ${DEEP} levels of arrays`, path, body: text.replace('"__DEEP__"', deepArray(DEEP)), contentType: 'application/json' });
      attempts.push({ label: `$${label(field)} ${DEEP} levels of objects`, path, body: text.replace('"__DEEP__"', deepObject(DEEP)), contentType: 'application/json' });
    }
    const raw = (label: string, body: string, contentType = 'application/json'): Attempt => ({ label, path, body, contentType });
    const baseText = JSON.stringify(base);
    attempts.push(
      json('the sample body', base),
      json('NUL in a field name', { ...(base as object), 'a\u0000b': 1 }),
      json('lone surrogate in a field name', { ...(base as object), '\ud800': 1 }),
      raw('invalid JSON', '{"a": '),
      raw('raw NUL byte in JSON', '{"a":"\u0000"}'),
      raw(`${DEEP} levels of arrays`, deepArray(DEEP)),
      raw(`${DEEP} levels of objects`, deepObject(DEEP)),
      raw('300 KB body', JSON.stringify({ ...(base as object), padding: 'p'.repeat(300 * 1024) })),
      raw('empty body', ''),
    );
    if (opts.full) {
      attempts.push(
        json('array', [base]),
        json('string', 'text'),
        json('null', null),
        json('number', 12345678901234567890),
        json('prototype keys', JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}')),
        raw('text/plain', baseText, 'text/plain'),
        raw('form-encoded', 'a=b&c=%00', 'application/x-www-form-urlencoded'),
        raw('multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n', 'multipart/form-data; boundary=x'),
        raw('unsupported charset', baseText, 'application/json; charset=ibm-037'),
        raw('JSON without content type', baseText, ''),
        { label: 'gzip header on plain JSON', path, body: baseText, contentType: 'application/json', headers: { 'content-encoding': 'gzip' } },
        { label: 'unknown content encoding', path, body: baseText, contentType: 'application/json', headers: { 'content-encoding': 'zz' } },
      );
    }
    return attempts;
  }

  function paramAttempts(op: Operation): Attempt[] {
    const body = op.body ? JSON.stringify(sample(op.body)) : undefined;
    return op.parameters
      .filter((x) => x.in === 'path')
      .flatMap((param) =>
        BAD_IDS.map(([what, value]) => ({
          label: `path {${param.name}} ${what}`,
          path: pathOf(op, { [param.name]: value }),
          body: op.method === 'GET' ? undefined : body,
          contentType: 'application/json',
        })),
      );
  }

  function queryAttempts(op: Operation): Attempt[] {
    const path = pathOf(op);
    const names = op.parameters.filter((x) => x.in === 'query').map((x) => x.name);
    const attempts = names.flatMap((name) => [
      ...BAD_QUERY_VALUES.map(([what, value]) => ({ label: `query ${name} ${what}`, path: `${path}?${name}=${value}` })),
      { label: `query ${name} repeated`, path: `${path}?${name}=1&${name}=2` },
      { label: `query ${name} as an object`, path: `${path}?${name}[a]=1` },
    ]);
    if (op.method === 'GET') {
      // Also for operations without documented parameters: unknown, poisoned and oversized queries.
      attempts.push(
        { label: 'unknown query parameter', path: `${path}?zz%00=1` },
        { label: 'query name with NUL', path: `${path}?a%00b=1` },
        { label: '20 KB query', path: `${path}?${names[0] ?? 'q'}=${HUGE_STRING}` },
      );
    }
    return attempts;
  }

  function headerAttempts(op: Operation): Attempt[] {
    const path = pathOf(op);
    const body = op.body ? JSON.stringify(sample(op.body)) : undefined;
    const values: Array<[string, string]> = [
      ['latin-1 bytes', 'caf\u00e9\u00ff'],
      ['201 characters', 'k'.repeat(201)],
      ['spaces only', '   '],
      ['quotes', '"""'],
      ['negative', '-1'],
      ['huge number', '9'.repeat(40)],
      ['8 KB', 'h'.repeat(8 * 1024)],
    ];
    return op.parameters
      .filter((x) => x.in === 'header')
      .flatMap((param) =>
        values.map(([what, value]) => ({ label: `header ${param.name} ${what}`, path, body, contentType: 'application/json', headers: { [param.name]: value } })),
      );
  }

  /** Sends one attempt; `failure` says what is wrong with the answer, if anything. */
  async function send(op: Operation, attempt: Attempt, token: string | undefined): Promise<{ failure?: string; status: number }> {
    // From a documentation address (the app trusts loopback proxies): the logins this file sends
    // count against that source, not against 127.0.0.1 that the other test files log in from.
    const headers: Record<string, string> = { 'x-forwarded-for': '198.51.100.7', ...(attempt.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (attempt.contentType) headers['content-type'] = attempt.contentType;
    const where = `${op.method} ${op.path} [${attempt.label}]${token ? '' : ' unauthenticated'}`;
    let res: Response;
    try {
      res = await fetch(t.url + attempt.path, { method: op.method, headers, body: attempt.body });
    } catch (error) {
      return { failure: `${where} → no answer (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`, status: 0 };
    }
    const text = await res.text();
    const failure = problemFailure(res, text);
    return { failure: failure && `${where} → ${res.status} ${failure}`, status: res.status };
  }

  /** Why an answer is not acceptable: a 5xx, a stack trace, or a 4xx that is not problem JSON. */
  function problemFailure(res: Response, text: string): string | undefined {
    if (res.status >= 500) return text.slice(0, 200);
    if (STACK_TRACE.test(text)) return 'with a stack trace';
    // A success may be anything (JSON, a calendar file, the Swagger page): only its status matters.
    if (res.status < 400) return undefined;
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('application/problem+json')) return `with content-type "${type}"`;
    let problem: { status?: unknown; title?: unknown };
    try {
      problem = JSON.parse(text);
    } catch {
      return 'with a body that is not JSON';
    }
    if (problem.status !== res.status || typeof problem.title !== 'string') return `with problem ${text.slice(0, 200)}`;
    return undefined;
  }

  /** Another operation may end the session (a logout, a password change): log in again if so. */
  async function ensureAdminToken() {
    if ((await t.request('GET', '/api/auth/me', { token: adminToken })).status !== 200) {
      adminToken = await t.login(adminLogin.email, adminLogin.password);
    }
  }

  /**
   * Cancelling, retiring and removing end the life of the fixture they act on (a cancelled
   * conference takes no minutes): they go last, so the operations before them reach their checks.
   */
  const ENDS_A_FIXTURE = (op: Operation) => op.method === 'DELETE' || /\/(cancel|retire)$/.test(op.path);

  async function fuzz(ops: Operation[]): Promise<{ failures: string[]; statuses: Map<number, number> }> {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const ordered = [...ops.filter((op) => !ENDS_A_FIXTURE(op)), ...ops.filter(ENDS_A_FIXTURE)];
    for (const op of ordered) {
      await ensureAdminToken();
      tested.add(`${op.method} ${op.path}`);
      const attempts = [...bodyAttempts(op, { full: true }), ...paramAttempts(op), ...queryAttempts(op), ...headerAttempts(op)];
      for (const attempt of attempts) {
        const { failure, status } = await send(op, attempt, adminToken);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (failure) failures.push(failure);
      }
    }
    return { failures, statuses };
  }

  const byTag = (...tags: string[]) => () => operations.filter((op) => tags.includes(op.tag));
  const KNOWN_TAGS = ['auth', 'agencies', 'users', 'cases', 'tasks', 'pathways', 'audit', 'conferences', 'notifications'];
  const GROUPS: Array<[string, () => Operation[]]> = [
    ['auth, agencies, users and audit', byTag('auth', 'agencies', 'users', 'audit')],
    ['cases', byTag('cases')],
    ['tasks, conferences and notifications', byTag('tasks', 'conferences', 'notifications')],
    ['pathways', byTag('pathways')],
    // Whatever else the document lists (operations, endpoints added later under a new tag).
    ['every other operation', () => operations.filter((op) => !KNOWN_TAGS.includes(op.tag))],
  ];

  for (const [name, ops] of GROUPS) {
    it(`${name}: as an administrator and case manager`, async () => {
      const selected = ops();
      expect(selected.length).toBeGreaterThan(0);
      const { failures, statuses } = await fuzz(selected);
      expect(failures.slice(0, 40)).toEqual([]);
      // The attempts got past authentication to validation (not all 401s or 404s).
      expect(statuses.get(400)).toBeGreaterThan(0);
    });
  }

  it('every operation without a token: poisoned strings, bad ids and bodies still answer problem JSON', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const attempts = [...bodyAttempts(op, { full: false }), ...paramAttempts(op), ...queryAttempts(op)];
      for (const attempt of attempts) {
        const { failure } = await send(op, attempt, undefined);
        if (failure) failures.push(failure);
      }
    }
    expect(failures.slice(0, 40)).toEqual([]);
  });

  it('covered every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.map((op) => `${op.method} ${op.path}`).filter((op) => !tested.has(op))).toEqual([]);
  });
});
