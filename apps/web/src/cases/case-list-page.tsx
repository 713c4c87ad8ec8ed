import { useState, type FormEvent } from 'react';
import { api, query } from '../api/client';
import type { CaseSummary, Page } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { describeState } from '../components/diagram';
import { useStateTitles } from '../components/state-titles';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { useApi } from '../api/queries';
import { usePathwayOptions } from './pathway-options';

const PAGE_SIZE = 25;

export function CaseListPage() {
  const { t, tx, date } = useI18n();
  const { hasRole } = useSession();
  const { search } = useLocation();
  const pathways = usePathwayOptions();
  const status = search.get('status') ?? '';
  const pathway = search.get('pathway') ?? '';
  const overdue = search.get('overdue') === 'true';
  const q = search.get('q') ?? '';
  const state = search.get('state') ?? '';
  const offset = Number(search.get('offset') ?? 0) || 0;
  const qs = query({ status, pathway, state, overdue, q, limit: PAGE_SIZE, offset });
  const cases = useApi(['cases', qs], () => api.get<Page<CaseSummary>>(`/api/cases${qs}`));

  const [form, setForm] = useState({ status, pathway, overdue, q });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/cases${query({ status: form.status, pathway: form.pathway, overdue: form.overdue, q: form.q.trim() })}`);
  };
  const page = (to: number) => navigate(`/cases${query({ status, pathway, state, overdue, q, offset: to })}`);

  const items = cases.data?.items ?? [];
  // Steps by title (ids on hover): each pathway version's titles, read once and cached.
  const stepTitle = useStateTitles(items.flatMap((c) => (c.pathways ?? []).map((p) => ({ key: p.key, version: p.version }))));
  const pathwayTitle = (key: string) => pathways.find((p) => p.key === key)?.title ?? key;
  const total = cases.data?.total ?? items.length;
  // Beyond 1,000 matches the API stops counting (totalCapped): show "1000+" and keep paging open.
  const capped = cases.data?.totalCapped === true;
  const withOverdue = items.filter((c) => (c.overdueTasks ?? 0) > 0).length;
  const title = hasRole('case_manager') ? t('cases.title') : t('cases.mine');

  return (
    <>
      <div className="page-title">
        <PageHeading title={title}>{title}</PageHeading>
        {hasRole('case_manager') ? (
          <Link className="button primary" to="/cases/new">
            {t('nav.newCase')}
          </Link>
        ) : null}
      </div>
      <form className="filters card" onSubmit={apply} aria-label={t('cases.filters')}>
        <Field label={t('cases.search')}>
          {(id) => <input id={id} type="search" value={form.q} maxLength={50} onChange={(e) => setForm({ ...form, q: e.target.value })} />}
        </Field>
        <Field label={t('cases.status')}>
          {(id) => (
            <select id={id} value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value })}>
              <option value="">{t('cases.any')}</option>
              <option value="open">{t('status.open')}</option>
              <option value="closed">{t('status.closed')}</option>
            </select>
          )}
        </Field>
        <Field label={t('cases.pathway')}>
          {(id) => (
            <select id={id} value={form.pathway} onChange={(e) => setForm({ ...form, pathway: e.target.value })}>
              <option value="">{t('cases.any')}</option>
              {pathways.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field checkbox">
          <input id="filter-overdue" type="checkbox" checked={form.overdue} onChange={(e) => setForm({ ...form, overdue: e.target.checked })} />
          <label htmlFor="filter-overdue">{t('cases.overdueOnly')}</label>
        </div>
        <button type="submit">{t('cases.apply')}</button>
      </form>

      <ErrorMessage error={cases.error} />
      {cases.loading && !cases.data ? <p aria-live="polite">{t('app.loading')}</p> : null}
      {cases.data ? (
        <>
          <p className="summary" aria-live="polite">
            {t('cases.count', { count: capped ? `${total}+` : total })}
            {withOverdue > 0 ? <strong className="overdue-text"> {t('cases.overdueSummary', { count: withOverdue })}</strong> : null}
          </p>
          {items.length === 0 ? (
            <p>{t('cases.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('cases.reference')}</th>
                    <th scope="col">{t('cases.subject')}</th>
                    <th scope="col">{t('cases.status')}</th>
                    <th scope="col">{t('cases.pathways')}</th>
                    <th scope="col" className="num">
                      {t('cases.openTasks')}
                    </th>
                    <th scope="col" className="num">
                      {t('cases.overdueTasks')}
                    </th>
                    <th scope="col">{t('cases.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id} className={(c.overdueTasks ?? 0) > 0 ? 'row-overdue' : undefined}>
                      <th scope="row">
                        <Link to={`/cases/${c.id}`}>{c.reference}</Link>
                      </th>
                      <td>{c.subject?.name}</td>
                      <td>{tx('status', c.status)}</td>
                      <td>
                        <ul className="plain">
                          {(c.pathways ?? []).map((p, i) => (
                            <li key={i}>
                              <span className="pathway-key" title={`${p.key} v${p.version}`}>{pathwayTitle(p.key)}</span>:{' '}
                              <span title={describeState(p.state)}>{stepTitle(p.key, p.version, p.state)}</span>
                              {p.status !== 'active' ? ` (${tx('status', p.status)})` : ''}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td className="num">{c.openTasks ?? '—'}</td>
                      <td className="num">
                        {(c.overdueTasks ?? 0) > 0 ? <strong className="overdue-text">{c.overdueTasks}</strong> : (c.overdueTasks ?? '—')}
                      </td>
                      <td>{date(c.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {total > PAGE_SIZE ? (
            <nav className="pager" aria-label={t('cases.title')}>
              <button type="button" disabled={offset === 0} onClick={() => page(Math.max(0, offset - PAGE_SIZE))}>
                {t('cases.previous')}
              </button>
              <button type="button" disabled={capped ? items.length < PAGE_SIZE : offset + PAGE_SIZE >= total} onClick={() => page(offset + PAGE_SIZE)}>
                {t('cases.next')}
              </button>
            </nav>
          ) : null}
        </>
      ) : null}
    </>
  );
}
