import { useState, type FormEvent } from 'react';
import { api, query } from '../api/client';
import { useApi } from '../api/queries';
import type { AuditList, Page, User } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { useLocation, useNavigate } from '../router';

const PAGE = 50;
type Filters = Record<'caseId' | 'userId' | 'action' | 'from' | 'to', string>;

/** `YYYY-MM-DD` from a date input → the start (or end) of that day in the user's time zone, as ISO. */
function dayBound(value: string, end: boolean): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The audit log for administrators: who read or changed what, filtered by case, user, action and dates. */
export function AuditPage() {
  const { t, dateTime, number } = useI18n();
  const agencies = useAgencies();
  const navigate = useNavigate();
  const { search } = useLocation();
  const filters: Filters = { caseId: search.get('caseId') ?? '', userId: search.get('userId') ?? '', action: search.get('action') ?? '', from: search.get('from') ?? '', to: search.get('to') ?? '' };
  const offset = Number(search.get('offset') ?? 0) || 0;
  const [form, setForm] = useState<Filters>(filters);
  const users = useApi(['users'], () => api.get<Page<User>>('/api/users'));
  const qs = query({
    caseId: filters.caseId,
    userId: filters.userId,
    action: filters.action,
    from: dayBound(filters.from, false),
    to: dayBound(filters.to, true),
    limit: PAGE,
    offset,
  });
  const log = useApi(['audit', qs], () => api.get<AuditList>(`/api/audit${qs}`));
  const userName = new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
  const go = (next: Partial<Filters> & { offset?: number }) => navigate(`/admin/audit${query({ ...filters, ...next, offset: next.offset || undefined })}`);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    void go({ ...form, offset: 0 });
  };
  const total = log.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const pageNo = Math.floor(offset / PAGE) + 1;
  return (
    <>
      <PageHeading title={t('audit.title')}>{t('audit.title')}</PageHeading>
      <form className="card row" onSubmit={apply} aria-label={t('audit.filters')}>
        <Field label={t('audit.userId')}>
          {(id) => (
            <select id={id} value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })}>
              <option value="">{t('audit.anyone')}</option>
              {(users.data?.items ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.action')}>{(id) => <input id={id} value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })} placeholder="case.read" />}</Field>
        <Field label={t('audit.caseId')}>{(id) => <input id={id} value={form.caseId} onChange={(e) => setForm({ ...form, caseId: e.target.value.trim() })} size={38} />}</Field>
        <Field label={t('audit.from')}>{(id) => <input id={id} type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />}</Field>
        <Field label={t('audit.to')}>{(id) => <input id={id} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />}</Field>
        <button type="submit" className="primary">
          {t('audit.apply')}
        </button>
      </form>
      <ErrorMessage error={log.error} />
      {log.data ? <p className="muted">{t('timeline.count', { count: number(total) })}</p> : null}
      {log.data && log.data.items.length === 0 ? <p>{t('audit.empty')}</p> : null}
      {log.data && log.data.items.length > 0 ? (
        <div className="table-wrap card">
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.userId')}</th>
                <th scope="col">{t('audit.agency')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.resource')}</th>
                <th scope="col">{t('audit.case')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.at}>{dateTime(e.at)}</time>
                  </td>
                  <td title={e.userId ?? undefined}>{e.userId ? (userName.get(e.userId) ?? '—') : '—'}</td>
                  <td>{e.agencyId ? agencies.name(e.agencyId) : '—'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td title={e.resourceId ?? undefined}>{e.resource ?? '—'}</td>
                  <td>
                    {e.caseId ? (
                      <button type="button" className="link-button" title={e.caseId} onClick={() => void go({ caseId: e.caseId ?? '', offset: 0 })}>
                        {e.caseId.slice(0, 8)}…
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {pages > 1 ? (
        <nav className="row" aria-label={t('app.page', { page: pageNo, pages })}>
          <button type="button" disabled={offset === 0} onClick={() => void go({ offset: Math.max(0, offset - PAGE) })}>
            {t('app.previous')}
          </button>
          <span>{t('app.page', { page: pageNo, pages })}</span>
          <button type="button" disabled={pageNo >= pages} onClick={() => void go({ offset: offset + PAGE })}>
            {t('app.next')}
          </button>
        </nav>
      ) : null}
    </>
  );
}
