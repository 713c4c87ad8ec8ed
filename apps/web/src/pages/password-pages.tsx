import { useState, type FormEvent } from 'react';
import { ApiError, api, request } from '../api/client';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

/** New password twice, with the rules said up front. */
function NewPasswordFields({ value, repeat, onChange, onRepeat }: { value: string; repeat: string; onChange: (v: string) => void; onRepeat: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t('password.new')} required hint={t('password.hint')}>
        {(id, hint) => <input id={id} aria-describedby={hint} type="password" required minLength={12} autoComplete="new-password" value={value} onChange={(e) => onChange(e.target.value)} />}
      </Field>
      <Field label={t('password.repeat')} required>
        {(id) => <input id={id} type="password" required minLength={12} autoComplete="new-password" value={repeat} onChange={(e) => onRepeat(e.target.value)} />}
      </Field>
    </>
  );
}

/** The signed-in user changes their password; their other sessions end. */
export function ChangePasswordPage() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next !== repeat) return setError(new Error(t('password.mismatch')));
    try {
      await api.post('/api/auth/password', { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeading title={t('password.title')}>{t('password.title')}</PageHeading>
      <SuccessMessage text={done ? t('password.changed') : null} />
      <ErrorMessage error={error} />
      <form onSubmit={(e) => void submit(e)} className="card stack narrow">
        <Field label={t('password.current')} required>
          {(id) => <input id={id} type="password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
        <NewPasswordFields value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} />
        <div>
          <button type="submit" className="primary">
            {t('password.submit')}
          </button>
        </div>
      </form>
    </>
  );
}

/** Opened from the emailed link: the token is in the fragment, which no server ever sees. */
export function ResetPasswordPage() {
  const { t } = useI18n();
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(token ? null : new Error(t('reset.invalid')));
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (next !== repeat) return setError(new Error(t('password.mismatch')));
    try {
      await request('POST', '/api/auth/reset', { body: { token, newPassword: next }, anonymous: true });
      window.history.replaceState(null, '', '/reset-password');
      setDone(true);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 400 ? new Error(t('reset.invalid')) : err);
    }
  };

  return (
    <div className="login">
      <PageHeading title={t('reset.title')}>{t('reset.title')}</PageHeading>
      <SuccessMessage text={done ? t('reset.done') : null} />
      <ErrorMessage error={error} />
      {done ? (
        <p>
          <Link to="/login">{t('login.backToLogin')}</Link>
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="card stack">
          <NewPasswordFields value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} />
          <button type="submit" className="primary" disabled={!token}>
            {t('reset.submit')}
          </button>
        </form>
      )}
    </div>
  );
}
