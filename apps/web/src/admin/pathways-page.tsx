import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Page, PathwaySummary } from '../api/types';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { useApi, useInvalidate } from '../api/queries';

export function PathwaysPage() {
  const { t } = useI18n();
  const list = useApi(['pathways'], () => api.get<Page<PathwaySummary>>('/api/pathways'));
  const invalidate = useInvalidate();
  const [file, setFile] = useState<File | null>(null);
  const [imported, setImported] = useState<{ key: string; version: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const importFile = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setImported(null);
    try {
      let definition: unknown;
      try {
        definition = JSON.parse(await file.text()) as unknown;
      } catch (err) {
        throw new Error(t('pathways.jsonError', { message: err instanceof Error ? err.message : String(err) }));
      }
      // A workflows/ file has a machine inside; anything else is taken for a machine from the Stately editor.
      const body = definition && typeof definition === 'object' && 'machine' in definition ? { definition } : { stately: definition };
      const result = await api.post<{ key: string; version: number }>('/api/pathways/import', body);
      setImported({ key: result.key, version: result.version });
      // The pathway's page shows the new draft too.
      await invalidate('pathways', 'pathway');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <div className="page-title">
        <PageHeading title={t('pathways.title')}>{t('pathways.title')}</PageHeading>
        <Link className="button primary" to="/admin/pathways/new">
          {t('pathways.new')}
        </Link>
      </div>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? <p>{t('app.loading')}</p> : null}
      {list.data ? (
        <div className="table-wrap card">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('pathways.name')}</th>
                <th scope="col">{t('pathways.key')}</th>
                <th scope="col" className="num">
                  {t('pathways.published')}
                </th>
                <th scope="col" className="num">
                  {t('pathways.latest')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.key}>
                  <th scope="row">
                    <Link to={`/admin/pathways/${encodeURIComponent(p.key)}`}>{p.title || p.key}</Link>
                  </th>
                  <td>
                    <code>{p.key}</code>
                  </td>
                  <td className="num">{p.publishedVersion ?? t('pathways.none')}</td>
                  <td className="num">{p.latestVersion ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <section className="card" aria-labelledby="import-h">
        <h2 id="import-h">{t('pathways.import')}</h2>
        <SuccessMessage text={imported ? t('pathways.imported', { key: imported.key, version: imported.version }) : null} />
        {imported ? (
          <p>
            <Link to={`/admin/pathways/${encodeURIComponent(imported.key)}?version=${imported.version}`}>
              {t('pathways.edit')} {imported.key} <span className="visually-hidden">{t('pathways.version')}</span> {imported.version}
            </Link>
          </p>
        ) : null}
        <ErrorMessage error={error} />
        <form onSubmit={(e) => void importFile(e)} className="row">
          <Field label={t('pathways.importFile')} hint={t('pathways.importHint')}>
            {(id, hint) => <input id={id} aria-describedby={hint} type="file" accept="application/json,.json" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
          </Field>
          <button type="submit" disabled={!file}>
            {t('pathways.importSubmit')}
          </button>
        </form>
      </section>
    </>
  );
}
