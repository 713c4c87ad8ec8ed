import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Page, Role, User } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { useApi } from '../api/queries';

const ROLES: Role[] = ['case_manager', 'agency_staff', 'admin'];
const EMPTY = { name: '', email: '', password: '', agencyId: '', roles: ['agency_staff'] as Role[] };

export function UsersPage() {
  const { t } = useI18n();
  const agencies = useAgencies();
  const users = useApi(['users'], () => api.get<Page<User>>('/api/users'));
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
  const [editing, setEditing] = useState<{ id: string; name: string; agencyId: string; roles: Role[] } | null>(null);

  /** One change to one user; the list reloads to show it. */
  const change = async (u: User, body: Record<string, unknown>, done: string) => {
    setError(null);
    setMessage(null);
    try {
      await api.patch(`/api/users/${u.id}`, body);
      setMessage(done);
      await users.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const sendReset = async (u: User) => {
    setError(null);
    setMessage(null);
    try {
      await api.post(`/api/users/${u.id}/password-reset`);
      setMessage(t('admin.resetSent', { name: u.name }));
    } catch (err) {
      setError(err);
    }
  };
  const saveEdit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const u = users.data?.items.find((x) => x.id === editing.id);
    if (!u) return;
    const ok = await change(u, { name: editing.name.trim(), agencyId: editing.agencyId || null, roles: editing.roles }, t('admin.userSaved', { name: editing.name }));
    if (ok) setEditing(null);
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
                    <th scope="col">{t('admin.status')}</th>
                    <th scope="col">{t('admin.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">{u.name}</th>
                      <td>{u.email}</td>
                      <td>{agencies.name(u.agencyId)}</td>
                      <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                      <td>{u.active === false ? t('admin.inactive') : t('admin.active')}</td>
                      <td className="actions">
                        <button type="button" className="link-button" onClick={() => setEditing({ id: u.id, name: u.name, agencyId: u.agencyId ?? '', roles: [...u.roles] })}>
                          {t('admin.edit', { name: u.name })}
                        </button>{' '}
                        {u.active === false ? (
                          <button type="button" className="link-button" onClick={() => void change(u, { active: true }, t('admin.userSaved', { name: u.name }))}>
                            {t('admin.activate', { name: u.name })}
                          </button>
                        ) : (
                          <>
                            <button type="button" className="link-button" onClick={() => void change(u, { active: false }, t('admin.userSaved', { name: u.name }))}>
                              {t('admin.deactivate', { name: u.name })}
                            </button>{' '}
                            <button type="button" className="link-button" onClick={() => void sendReset(u)}>
                              {t('admin.sendReset', { name: u.name })}
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
        {editing ? (
          <section className="card" aria-labelledby="user-edit-h">
            <h2 id="user-edit-h">{t('admin.editing', { name: editing.name })}</h2>
            <form onSubmit={(e) => void saveEdit(e)} className="stack">
              <Field label={t('admin.name')} required>
                {(id) => <input id={id} required value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />}
              </Field>
              <Field label={t('admin.agency')}>
                {(id) => (
                  <select id={id} value={editing.agencyId} onChange={(e) => setEditing({ ...editing, agencyId: e.target.value })}>
                    <option value="">—</option>
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
                    <input
                      id={`edit-role-${role}`}
                      type="checkbox"
                      checked={editing.roles.includes(role)}
                      onChange={(e) => setEditing({ ...editing, roles: e.target.checked ? [...editing.roles, role] : editing.roles.filter((r) => r !== role) })}
                    />
                    <label htmlFor={`edit-role-${role}`}>{t(`role.${role}`)}</label>
                  </div>
                ))}
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
        <section className="card" aria-labelledby="user-new-h">
          <h2 id="user-new-h">{t('admin.newUser')}</h2>
          <SuccessMessage text={message} />
          <ErrorMessage error={error} />
          <form onSubmit={(e) => void submit(e)} className="stack">
            <Field label={t('admin.name')} required>
              {(id) => <input id={id} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
            </Field>
            <Field label={t('admin.email')} required>
              {(id) => <input id={id} type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}
            </Field>
            <Field label={t('admin.password')} required>
              {(id) => (
                <input id={id} type="password" required minLength={12} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
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
