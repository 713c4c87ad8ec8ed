import { useEffect, type ReactNode } from 'react';
import { api } from './api/client';
import { useApi, useInvalidate } from './api/queries';
import type { Notification, Page } from './api/types';
import { LOCALES, useI18n, type Locale } from './i18n/i18n';
import { Link, useLocation } from './router';
import { useSession } from './session';

export const NOTIFICATIONS_CHANGED = 'convene:notifications-changed';

/** The caller's own unread notifications (read state is per person), kept fresh by the query cache. */
function useUnreadCount(): number | string | null {
  const { user } = useSession();
  const invalidate = useInvalidate();
  const unread = useApi(
    ['notifications', 'unread-count'],
    // Beyond 1,000 the API stops counting (unreadCapped): "1000+".
    () =>
      api
        .get<Page<Notification> & { unread?: number; unreadCapped?: boolean }>('/api/notifications?unread=true&limit=1')
        .then((page): number | string => (page.unreadCapped ? `${page.unread}+` : (page.unread ?? page.items.length))),
    { enabled: Boolean(user), refetchInterval: 60_000 },
  );
  useEffect(() => {
    const changed = () => void invalidate('notifications');
    window.addEventListener(NOTIFICATIONS_CHANGED, changed);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, changed);
  }, [invalidate]);
  return user ? (unread.data ?? null) : null;
}

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { path } = useLocation();
  const current = path === to || (to !== '/' && path.startsWith(`${to}/`));
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function LanguageSwitcher() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="language">
      <label htmlFor="language-switcher">{t('app.language')}</label>
      <select id="language-switcher" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The frame of every page: skip link, header with the navigation for the user's roles, main. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, logout, hasRole } = useSession();
  const unread = useUnreadCount();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="brand">
          <Link to="/">{t('app.name')}</Link>
        </div>
        {user ? (
          <nav aria-label={t('nav.main')}>
            <ul>
              {hasRole('case_manager') ? (
                <li>
                  <NavLink to="/dashboard">{t('nav.dashboard')}</NavLink>
                </li>
              ) : null}
              {hasRole('case_manager') || hasRole('agency_staff') ? (
                <li>
                  <NavLink to="/cases">{t('nav.cases')}</NavLink>
                </li>
              ) : null}
              {hasRole('case_manager') ? (
                <li>
                  <NavLink to="/cases/new">{t('nav.newCase')}</NavLink>
                </li>
              ) : null}
              {hasRole('agency_staff') || hasRole('case_manager') ? (
                <li>
                  <NavLink to="/inbox">{t('nav.inbox')}</NavLink>
                </li>
              ) : null}
              <li>
                <NavLink to="/notifications">
                  {t('nav.notifications')}
                  {unread ? (
                    <span className="badge" aria-hidden="true">
                      {unread}
                    </span>
                  ) : null}
                  {unread ? <span className="visually-hidden">{` (${t('notifications.unreadCount', { count: unread })})`}</span> : null}
                </NavLink>
              </li>
              {hasRole('admin') ? (
                <>
                  <li>
                    <NavLink to="/admin/agencies">{t('nav.agencies')}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/users">{t('nav.users')}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/pathways">{t('nav.pathways')}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/audit">{t('nav.audit')}</NavLink>
                  </li>
                </>
              ) : null}
            </ul>
          </nav>
        ) : null}
        <div className="header-tools">
          <LanguageSwitcher />
          {user ? (
            <>
              <span className="who">{t('nav.signedInAs', { name: user.name })}</span>
              <NavLink to="/account/password">{t('nav.account')}</NavLink>
              <button type="button" className="link-button" onClick={logout}>
                {t('nav.logout')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
