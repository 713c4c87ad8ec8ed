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

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
/** The form's view of `deliveryHours`: null (office hours), "always", or days and local hours. */
interface HoursForm {
  mode: 'default' | 'always' | 'custom';
  days: Day[];
  from: string;
  to: string;
}

function hoursForm(hours: Agency['deliveryHours']): HoursForm {
  if (hours === 'always') return { mode: 'always', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' };
  if (hours && typeof hours === 'object') return { mode: 'custom', days: [...hours.days], from: hours.from, to: hours.to };
  return { mode: 'default', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' };
}

function hoursBody(form: HoursForm): Agency['deliveryHours'] {
  if (form.mode === 'default') return null;
  if (form.mode === 'always') return 'always';
  return { days: DAYS.filter((d) => form.days.includes(d)), from: form.from, to: form.to };
}

const EMPTY = { name: '', kind: 'local_authority', email: '', webhookUrl: '', webhookSecret: '', locale: '', timezone: '' };

export function AgenciesPage() {
  const { t, tx } = useI18n();
  const agencies = useAgencies();
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const set = (patch: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...patch }));

  const [editing, setEditing] = useState<{ id: string; name: string; email: string; webhookUrl: string; webhookSecret: string; locale: string; timezone: string; country: string; hours: HoursForm } | null>(null);
  const setHours = (patch: Partial<HoursForm>) => setEditing((e) => (e ? { ...e, hours: { ...e.hours, ...patch } } : e));
  const describeHours = (hours: Agency['deliveryHours']) => {
    if (hours === 'always') return t('admin.delivery.always');
    if (hours && typeof hours === 'object') {
      return t('admin.delivery.summary', { days: hours.days.map((d) => t(`day.${d}`)).join(', '), from: hours.from, to: hours.to });
    }
    return t('admin.delivery.default');
  };

  const change = async (a: Agency, body: Record<string, unknown>, name: string) => {
    setError(null);
    setMessage(null);
    try {
      await api.patch(`/api/agencies/${a.id}`, body);
      setMessage(t('admin.agencySaved', { name }));
      await agencies.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const saveEdit = async (e: FormEvent) => {
    e.preventDefault();
    const a = editing && agencies.list.find((x) => x.id === editing.id);
    if (!editing || !a) return;
    const body: Record<string, unknown> = {
      name: editing.name.trim(),
      email: editing.email.trim() || null,
      webhookUrl: editing.webhookUrl.trim() || null,
      ...(editing.locale ? { locale: editing.locale } : {}),
      ...(editing.timezone.trim() ? { timezone: editing.timezone.trim() } : {}),
      ...(editing.country.trim() ? { country: editing.country.trim().toUpperCase() } : {}),
      // Empty keeps the current secret; a new one rotates it (both sign for 24 hours).
      ...(editing.webhookSecret ? { webhookSecret: editing.webhookSecret } : {}),
      deliveryHours: hoursBody(editing.hours),
    };
    if (await change(a, body, editing.name)) setEditing(null);
  };

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
                    <th scope="col">{t('admin.deliveryHours')}</th>
                    <th scope="col">{t('admin.status')}</th>
                    <th scope="col">{t('admin.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {agencies.list.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{a.name}</th>
                      <td>{tx('kind', a.kind)}</td>
                      <td>{a.email ?? '—'}</td>
                      <td>
                        {a.webhookUrl ?? '—'}
                        {a.webhookSecretChangedAt ? <div className="hint">{t('admin.secretRotated', { when: new Date(a.webhookSecretChangedAt).toLocaleString() })}</div> : null}
                      </td>
                      <td>{describeHours(a.deliveryHours)}</td>
                      <td>{a.active === false ? t('admin.inactive') : t('admin.active')}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="link-button"
                          onClick={() =>
                            setEditing({ id: a.id, name: a.name, email: a.email ?? '', webhookUrl: a.webhookUrl ?? '', webhookSecret: '', locale: a.locale ?? '', timezone: a.timezone ?? '', country: a.country ?? '', hours: hoursForm(a.deliveryHours) })
                          }
                        >
                          {t('admin.edit', { name: a.name })}
                        </button>{' '}
                        <button type="button" className="link-button" onClick={() => void change(a, { active: a.active === false }, a.name)}>
                          {a.active === false ? t('admin.activate', { name: a.name }) : t('admin.deactivate', { name: a.name })}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        {editing ? (
          <section className="card" aria-labelledby="agency-edit-h">
            <h2 id="agency-edit-h">{t('admin.editing', { name: editing.name })}</h2>
            <form onSubmit={(e) => void saveEdit(e)} className="stack">
              <Field label={t('admin.name')} required>
                {(id) => <input id={id} required value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />}
              </Field>
              <Field label={t('admin.email')}>
                {(id) => <input id={id} type="email" value={editing.email} onChange={(e) => setEditing({ ...editing, email: e.target.value })} />}
              </Field>
              <Field label={t('admin.webhookUrl')}>
                {(id) => <input id={id} type="url" value={editing.webhookUrl} onChange={(e) => setEditing({ ...editing, webhookUrl: e.target.value })} />}
              </Field>
              <Field label={t('admin.newWebhookSecret')} hint={t('admin.webhookSecretHint')}>
                {(id, hint) => (
                  <input id={id} aria-describedby={hint} type="password" autoComplete="new-password" minLength={16} value={editing.webhookSecret} onChange={(e) => setEditing({ ...editing, webhookSecret: e.target.value })} />
                )}
              </Field>
              <Field label={t('admin.timezone')}>
                {(id) => <input id={id} value={editing.timezone} onChange={(e) => setEditing({ ...editing, timezone: e.target.value })} />}
              </Field>
              <Field label={t('admin.country')}>
                {(id) => <input id={id} maxLength={2} value={editing.country} onChange={(e) => setEditing({ ...editing, country: e.target.value })} />}
              </Field>
              <fieldset className="stack">
                <legend>{t('admin.deliveryHours')}</legend>
                {(['default', 'always', 'custom'] as const).map((mode) => (
                  <label key={mode} className="choice">
                    <input type="radio" name="delivery-mode" value={mode} checked={editing.hours.mode === mode} onChange={() => setHours({ mode })} /> {t(`admin.delivery.${mode}`)}
                  </label>
                ))}
                {editing.hours.mode === 'custom' ? (
                  <>
                    <fieldset>
                      <legend>{t('admin.delivery.days')}</legend>
                      <div className="row">
                        {DAYS.map((d) => (
                          <label key={d} className="choice">
                            <input
                              type="checkbox"
                              checked={editing.hours.days.includes(d)}
                              onChange={(e) => setHours({ days: e.target.checked ? [...editing.hours.days, d] : editing.hours.days.filter((x) => x !== d) })}
                            />{' '}
                            {t(`day.${d}`)}
                          </label>
                        ))}
                      </div>
                    </fieldset>
                    <div className="row">
                      <Field label={t('admin.delivery.from')}>
                        {(id) => <input id={id} type="time" required value={editing.hours.from} onChange={(e) => setHours({ from: e.target.value })} />}
                      </Field>
                      <Field label={t('admin.delivery.to')}>
                        {(id) => <input id={id} type="time" required value={editing.hours.to} onChange={(e) => setHours({ to: e.target.value })} />}
                      </Field>
                    </div>
                  </>
                ) : null}
              </fieldset>
              <div>
                <button type="submit" className="primary">
                  {t('app.save')}
                </button>{' '}
                <button type="button" onClick={() => setEditing(null)}>
                  {t('app.cancel')}
                </button>
              </div>
            </form>
          </section>
        ) : null}
        <section className="card" aria-labelledby="agency-new-h">
          <h2 id="agency-new-h">{t('admin.newAgency')}</h2>
          <SuccessMessage text={message} />
          <ErrorMessage error={error} />
          <form onSubmit={(e) => void submit(e)} className="stack">
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
