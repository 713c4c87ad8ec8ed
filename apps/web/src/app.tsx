import { useEffect, type ReactNode } from 'react';
import { AgenciesPage } from './admin/agencies-page';
import { PathwayEditorPage } from './admin/pathway-editor-page';
import { PathwaysPage } from './admin/pathways-page';
import { UsersPage } from './admin/users-page';
import { AgenciesProvider } from './agencies';
import type { Role } from './api/types';
import { CaseListPage } from './cases/case-list-page';
import { CasePage } from './cases/case-page';
import { NewCasePage } from './cases/new-case-page';
import { PageHeading } from './components/page-heading';
import { I18nProvider, useI18n } from './i18n/i18n';
import { Layout } from './layout';
import { LoginPage } from './pages/login-page';
import { LoginCompletePage } from './pages/login-complete-page';
import { ChangePasswordPage, ResetPasswordPage } from './pages/password-pages';
import { Link, matchPath, navigate, useLocation } from './router';
import { SessionProvider, homeFor, useSession } from './session';
import { InboxPage } from './tasks/inbox-page';
import { NotificationsPage } from './tasks/notifications-page';

interface Route {
  pattern: string;
  roles?: Role[];
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/cases', roles: ['case_manager', 'agency_staff', 'admin'], render: () => <CaseListPage /> },
  { pattern: '/cases/new', roles: ['case_manager'], render: () => <NewCasePage /> },
  { pattern: '/cases/:id', render: (p) => <CasePage key={p.id} id={p.id} /> },
  { pattern: '/inbox', render: () => <InboxPage /> },
  { pattern: '/notifications', render: () => <NotificationsPage /> },
  { pattern: '/account/password', render: () => <ChangePasswordPage /> },
  { pattern: '/admin/agencies', roles: ['admin'], render: () => <AgenciesPage /> },
  { pattern: '/admin/users', roles: ['admin'], render: () => <UsersPage /> },
  { pattern: '/admin/pathways', roles: ['admin'], render: () => <PathwaysPage /> },
  { pattern: '/admin/pathways/:key', roles: ['admin'], render: (p) => <PathwayEditorPage key={p.key} pathwayKey={p.key} /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading title={t('app.notFound')}>{t('app.notFound')}</PageHeading>
      <p>
        <Link to="/">{t('app.backHome')}</Link>
      </p>
    </>
  );
}

function Pages() {
  const { t } = useI18n();
  const { user, checking } = useSession();
  const { path, search } = useLocation();
  // Reached from outside (single sign-on, an emailed link), signed in or not.
  if (path === '/login/complete') return <LoginCompletePage />;
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (checking) return <p className="loading">{t('app.loading')}</p>;
  if (!user) {
    if (path !== '/login') return <Redirect to={`/login${path === '/' ? '' : `?next=${encodeURIComponent(path + (search.size ? `?${search}` : ''))}`}`} />;
    return <LoginPage />;
  }
  if (path === '/' || path === '/login') return <Redirect to={homeFor(user)} />;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    if (route.roles && !route.roles.some((r) => user.roles.includes(r))) return <NotFound />;
    return <>{route.render(params)}</>;
  }
  return <NotFound />;
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <AgenciesProvider>
          <Layout>
            <Pages />
          </Layout>
        </AgenciesProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
