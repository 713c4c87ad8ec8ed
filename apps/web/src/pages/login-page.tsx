import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client';
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
  const [sso, setSso] = useState(false);
  const ssoError = search.get('sso_error');
  const ssoMessage = ssoError === 'unknown_user' || ssoError === 'unverified_email' || ssoError === 'failed' ? t(`login.ssoError.${ssoError}`) : null;

  useEffect(() => {
    let live = true;
    request<{ sso: boolean }>('GET', '/api/auth/config', { anonymous: true })
      .then((config) => live && setSso(config.sso))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

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
      <ErrorMessage error={error ?? (ssoMessage ? new Error(ssoMessage) : null)} />
      {sso ? (
        <div className="card stack">
          {/* A full page load: the provider's sign-in is another site. */}
          <a className="button primary" href="/api/auth/oidc/start">
            {t('login.sso')}
          </a>
          <p>{t('login.or')}</p>
        </div>
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="card stack">
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
