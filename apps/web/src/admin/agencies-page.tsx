import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Agency } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
// The server's list (pure, no imports), so the form offers exactly the kinds the API accepts.
import { AGENCY_KINDS } from '../../../../libs/domain/src/identity/agency-kinds';

const EMPTY = { name: '', kind: 'local_authority', email: '', webhookUrl: '', webhookSecret: '', locale: '', timezone: '' };

export function AgenciesPage() {
  const { t, tx } = useI18n();
  const agencies = useAgencies();
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const set = (patch: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
      const created = await api.post<Agency>('/api/agencies', body);
      setMessage(t('admin.agencyCreated', { name: created.name ?? form.name }));
      setForm(EMPTY);
      await agencies.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeading title={t('admin.agencies')}>{t('admin.agencies')}</PageHeading>
      <div className="columns">
        <section className="card" aria-labelledby="agency-list-h">
          <h2 id="agency-list-h">{t('admin.agencies')}</h2>
          {agencies.list.length === 0 ? (
            <p>{t('admin.noItems')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.name')}</th>
                    <th scope="col">{t('admin.kind')}</th>
                    <th scope="col">{t('admin.email')}</th>
                    <th scope="col">{t('admin.webhookUrl')}</th>
                  </tr>
                </thead>
                <tbody>
                  {agencies.list.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{a.name}</th>
                      <td>{tx('kind', a.kind)}</td>
                      <td>{a.email ?? '—'}</td>
                      <td>{a.webhookUrl ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="agency-new-h">
          <h2 id="agency-new-h">{t('admin.newAgency')}</h2>
          <SuccessMessage text={message} />
          <ErrorMessage error={error} />
          <form onSubmit={submit} className="stack">
            <Field label={t('admin.name')} required>
              {(id) => <input id={id} required value={form.name} onChange={(e) => set({ name: e.target.value })} />}
            </Field>
            <Field label={t('admin.kind')} required>
              {(id) => (
                <select id={id} value={form.kind} onChange={(e) => set({ kind: e.target.value })}>
                  {AGENCY_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {tx('kind', k)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('admin.email')}>{(id) => <input id={id} type="email" value={form.email} onChange={(e) => set({ email: e.target.value })} />}</Field>
            <Field label={t('admin.webhookUrl')}>
              {(id) => <input id={id} type="url" value={form.webhookUrl} onChange={(e) => set({ webhookUrl: e.target.value })} />}
            </Field>
            <Field label={t('admin.webhookSecret')}>
              {(id) => <input id={id} type="password" autoComplete="new-password" value={form.webhookSecret} onChange={(e) => set({ webhookSecret: e.target.value })} />}
            </Field>
            <Field label={t('admin.locale')}>
              {(id) => (
                <select id={id} value={form.locale} onChange={(e) => set({ locale: e.target.value })}>
                  <option value="">—</option>
                  {['en', 'nl', 'fr', 'de', 'es', 'sv'].map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('admin.timezone')}>
              {(id) => <input id={id} placeholder="Europe/Amsterdam" value={form.timezone} onChange={(e) => set({ timezone: e.target.value })} />}
            </Field>
            <div>
              <button type="submit" className="primary">
                {t('admin.createAgency')}
              </button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}
