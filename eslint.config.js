import tseslint from 'typescript-eslint';

// SQL lives in repositories (`*.repository.ts`, one owner per table) and migrations only; the
// database layer in libs/core/src/database opens connections and runs migrations. Everything else
// calls a repository. Files still listed in SQL_PENDING are being moved (issue #12) and go.
const SQL_HOMES = ['**/*.repository.ts', 'libs/core/src/database/**', 'libs/domain/src/db.ts'];
const SQL_PENDING = [
];
const SQL_TEXT = '/\\b(SELECT\\s[\\s\\S]*\\sFROM|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|ON CONFLICT)\\b/';
const noSqlHere = {
  files: ['apps/**/*.ts', 'libs/**/*.ts'],
  ignores: [...SQL_HOMES, ...SQL_PENDING, 'apps/web/**'],
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

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'apps/web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  noSqlHere,
);
