import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Page, Role, User } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { useResource } from '../use-resource';

const ROLES: Role[] = ['case_manager', 'agency_staff', 'admin'];
const EMPTY = { name: '', email: '', password: '', agencyId: '', roles: ['agency_staff'] as Role[] };

export function UsersPage() {
  const { t } = useI18n();
  const agencies = useAgencies();
  const users = useResource(() => api.get<Page<User>>('/api/users'), 'users');
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    try {
      await api.post('/api/users', { ...form, email: form.email.trim(), name: form.name.trim() });
      setMessage(t('admin.userCreated', { name: form.name }));
      setForm(EMPTY);
      await users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const toggleRole = (role: Role, on: boolean) => setForm((f) => ({ ...f, roles: on ? [...f.roles, role] : f.roles.filter((r) => r !== role) }));

  return (
    <>
      <PageHeading title={t('admin.users')}>{t('admin.users')}</PageHeading>
      <div className="columns">
        <section className="card" aria-labelledby="user-list-h">
          <h2 id="user-list-h">{t('admin.users')}</h2>
          <ErrorMessage error={users.error} />
          {users.data && users.data.items.length === 0 ? <p>{t('admin.noItems')}</p> : null}
          {users.data && users.data.items.length > 0 ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.name')}</th>
                    <th scope="col">{t('admin.email')}</th>
                    <th scope="col">{t('admin.agency')}</th>
                    <th scope="col">{t('admin.roles')}</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">{u.name}</th>
                      <td>{u.email}</td>
                      <td>{agencies.name(u.agencyId)}</td>
                      <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        <section className="card" aria-labelledby="user-new-h">
          <h2 id="user-new-h">{t('admin.newUser')}</h2>
          <SuccessMessage text={message} />
          <ErrorMessage error={error} />
          <form onSubmit={submit} className="stack">
            <Field label={t('admin.name')} required>
              {(id) => <input id={id} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
            </Field>
            <Field label={t('admin.email')} required>
              {(id) => <input id={id} type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}
            </Field>
            <Field label={t('admin.password')} required>
              {(id) => (
                <input id={id} type="password" required minLength={8} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
              )}
            </Field>
            <Field label={t('admin.agency')} required>
              {(id) => (
                <select id={id} required value={form.agencyId} onChange={(e) => setForm({ ...form, agencyId: e.target.value })}>
                  <option value="">{t('newCase.choose')}</option>
                  {agencies.list.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <fieldset>
              <legend>{t('admin.roles')}</legend>
              {ROLES.map((role) => (
                <div className="field checkbox" key={role}>
                  <input id={`role-${role}`} type="checkbox" checked={form.roles.includes(role)} onChange={(e) => toggleRole(role, e.target.checked)} />
                  <label htmlFor={`role-${role}`}>{t(`role.${role}`)}</label>
                </div>
              ))}
            </fieldset>
            <div>
              <button type="submit" className="primary">
                {t('admin.createUser')}
              </button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}
