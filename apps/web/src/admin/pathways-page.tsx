import { api } from '../api/client';
import type { Page, PathwaySummary } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { useApi } from '../api/queries';

export function PathwaysPage() {
  const { t } = useI18n();
  const list = useApi(['pathways'], () => api.get<Page<PathwaySummary>>('/api/pathways'));
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
    </>
  );
}
