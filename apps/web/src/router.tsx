// Routing is React Router's (data mode: app.tsx creates the router). This module is the app's
// small surface over it, so pages and the session code do not each reach for the router instance.
import { useLocation as useRouterLocation, type createBrowserRouter } from 'react-router';

export { Link, NavLink, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';

type AppRouter = ReturnType<typeof createBrowserRouter>;
let current: AppRouter | null = null;

/** Called once by app.tsx with the router it created. */
export function registerRouter(router: AppRouter): void {
  current = router;
}

/** Goes to another page of the app without reloading it (also from outside components: session expiry). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (current) void current.navigate(to, { replace: options.replace });
  else window.location.assign(to);
}

/** The current path and query. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const location = useRouterLocation();
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}
