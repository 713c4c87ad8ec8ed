import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Outlet, RouterProvider, useParams } from 'react-router';
import { AgenciesProvider } from './agencies';
import { createQueryClient } from './api/queries';
import type { Role } from './api/types';
import { PageHeading } from './components/page-heading';
import { I18nProvider, useI18n } from './i18n/i18n';
import { Layout } from './layout';
import { Link, Navigate, registerRouter, useLocation } from './router';
import { SessionProvider, homeFor, useSession } from './session';

/**
 * Route-level code splitting: each page is its own chunk, fetched the first time it is opened, so the
 * main chunk holds only the shell (React, the router, the query cache, i18next, the layout). The
 * charts library comes with the dashboard's chunk, the definition editor with the pathway editor's.
 */
function page<K extends string>(load: () => Promise<Record<K, ComponentType<never>>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
}
const DashboardPage = page(() => import('./dashboard/dashboard-page'), 'DashboardPage');
const AgenciesPage = page(() => import('./admin/agencies-page'), 'AgenciesPage');
const AuditPage = page(() => import('./admin/audit-page'), 'AuditPage');
const PathwaysPage = page(() => import('./admin/pathways-page'), 'PathwaysPage');
const UsersPage = page(() => import('./admin/users-page'), 'UsersPage');
const CaseListPage = page(() => import('./cases/case-list-page'), 'CaseListPage');
const NewCasePage = page(() => import('./cases/new-case-page'), 'NewCasePage');
const LoginPage = page(() => import('./pages/login-page'), 'LoginPage');
const LoginCompletePage = page(() => import('./pages/login-complete-page'), 'LoginCompletePage');
const ChangePasswordPage = page(() => import('./pages/password-pages'), 'ChangePasswordPage');
const ResetPasswordPage = page(() => import('./pages/password-pages'), 'ResetPasswordPage');
const InboxPage = page(() => import('./tasks/inbox-page'), 'InboxPage');
const NotificationsPage = page(() => import('./tasks/notifications-page'), 'NotificationsPage');
// These two take props.
const CasePage = lazy(() => import('./cases/case-page').then((m) => ({ default: m.CasePage })));
const PathwayEditorPage = lazy(() => import('./admin/pathway-editor-page').then((m) => ({ default: m.PathwayEditorPage })));

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

function Loading() {
  const { t } = useI18n();
  return <p className="loading">{t('app.loading')}</p>;
}

/** Signed-in pages: the login page otherwise (coming back here after), and 404 for a role that may not see it. */
function Private({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, checking } = useSession();
  const { path, search } = useLocation();
  if (checking) return <Loading />;
  if (!user) {
    const back = path + (search.size ? `?${search}` : '');
    return <Navigate replace to={`/login${path === '/' ? '' : `?next=${encodeURIComponent(back)}`}`} />;
  }
  if (roles && !roles.some((r) => user.roles.includes(r))) return <NotFound />;
  return <>{children}</>;
}

function Home() {
  const { user, checking } = useSession();
  if (checking) return <Loading />;
  return <Navigate replace to={user ? homeFor(user) : '/login'} />;
}

function Login() {
  const { user, checking } = useSession();
  if (checking) return <Loading />;
  if (user) return <Navigate replace to={homeFor(user)} />;
  return <LoginPage />;
}

function CaseRoute() {
  const { id = '' } = useParams();
  return <CasePage key={id} id={id} />;
}

function PathwayEditorRoute() {
  const { key = '' } = useParams();
  return <PathwayEditorPage key={key} pathwayKey={key} />;
}

/**
 * Forgets every cached read when the signed-in user changes (sign-out, another user). Not when the
 * session is first found on page load: the page's reads have just started then, and clearing the
 * cache under them would leave them waiting on queries no longer in it (a reloaded case page stayed
 * "Loading…").
 */
function CacheScope({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const client = useQueryClient();
  const previous = useRef(user?.id);
  useEffect(() => {
    if (previous.current !== undefined && previous.current !== user?.id) client.clear();
    previous.current = user?.id;
  }, [user?.id, client]);
  return <>{children}</>;
}

function Root() {
  return (
    <SessionProvider>
      <CacheScope>
        <AgenciesProvider>
          <Layout>
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </Layout>
        </AgenciesProvider>
      </CacheScope>
    </SessionProvider>
  );
}

const everyone: Role[] = ['case_manager', 'agency_staff', 'admin'];

const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/login', element: <Login /> },
      // Reached from outside (single sign-on, an emailed link), signed in or not.
      { path: '/login/complete', element: <LoginCompletePage /> },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      { path: '/dashboard', element: <Private roles={['case_manager']}><DashboardPage /></Private> },
      { path: '/cases', element: <Private roles={everyone}><CaseListPage /></Private> },
      { path: '/cases/new', element: <Private roles={['case_manager']}><NewCasePage /></Private> },
      { path: '/cases/:id', element: <Private><CaseRoute /></Private> },
      { path: '/inbox', element: <Private><InboxPage /></Private> },
      { path: '/notifications', element: <Private><NotificationsPage /></Private> },
      { path: '/account/password', element: <Private><ChangePasswordPage /></Private> },
      { path: '/admin/agencies', element: <Private roles={['admin']}><AgenciesPage /></Private> },
      { path: '/admin/users', element: <Private roles={['admin']}><UsersPage /></Private> },
      { path: '/admin/audit', element: <Private roles={['admin']}><AuditPage /></Private> },
      { path: '/admin/pathways', element: <Private roles={['admin']}><PathwaysPage /></Private> },
      { path: '/admin/pathways/:key', element: <Private roles={['admin']}><PathwayEditorRoute /></Private> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
registerRouter(router);

const queryClient = createQueryClient();

export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nProvider>
  );
}
