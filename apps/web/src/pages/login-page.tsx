import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { navigate, useLocation } from '../router';
import { homeFor, useSession } from '../session';

export function LoginPage() {
  const { t } = useI18n();
  const { login, notice } = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await login(email.trim(), password);
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(user), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? new Error(t('login.failed')) : e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <PageHeading title={t('login.title')}>{t('login.title')}</PageHeading>
      {notice && !error ? (
        <p className={notice === 'error.sessionExpired' ? 'message message-warning' : 'message message-success'} role="status">
          {t(notice)}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <form onSubmit={submit} className="card stack">
        <Field label={t('login.email')} required>
          {(id) => (
            <input id={id} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label={t('login.password')} required>
          {(id) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
