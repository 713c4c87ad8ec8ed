import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { homeFor, useSession } from '../session';

/**
 * Where single sign-on lands: the one-time code is in the URL fragment (never sent to a server),
 * traded for a session once, then wiped from the address bar and history.
 */
export function LoginCompletePage() {
  const { t } = useI18n();
  const { completeSso } = useSession();
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
    window.history.replaceState(null, '', '/login/complete');
    if (!code) return void setFailed(true);
    completeSso(code)
      .then((user) => navigate(homeFor(user), { replace: true }))
      .catch(() => setFailed(true));
  }, [completeSso]);

  return (
    <div className="login">
      <PageHeading title={t('login.title')}>{t('login.title')}</PageHeading>
      {failed ? (
        <>
          <ErrorMessage error={new Error(t('login.completeFailed'))} />
          <p>
            <Link to="/login">{t('login.backToLogin')}</Link>
          </p>
        </>
      ) : (
        <p role="status">{t('login.completing')}</p>
      )}
    </div>
  );
}
