import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, getToken, isSsoSession, onUnauthorized, refreshDueInMs, refreshSession, request, setToken, storeSession } from './api/client';
import type { LoginResponse, Role, User } from './api/types';
import type { MessageKey } from './i18n/resources/en';
import { navigate } from './router';

interface Session {
  user: User | null;
  /** True until a stored token has been checked against the server. */
  checking: boolean;
  /** Why the user is looking at the login page (expired session, signed out). */
  notice: MessageKey | null;
  login: (email: string, password: string) => Promise<User>;
  /** Trades a single sign-on's one-time code for a session. */
  completeSso: (code: string) => Promise<User>;
  logout: () => void;
  hasRole: (role: Role) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(() => getToken() !== null);
  const [notice, setNotice] = useState<MessageKey | null>(null);

  const expire = useCallback(() => {
    setToken(null);
    setUser(null);
    setNotice('error.sessionExpired');
    if (window.location.pathname !== '/login') {
      const back = window.location.pathname + window.location.search;
      navigate(`/login?next=${encodeURIComponent(back)}`, { replace: true });
    }
  }, []);

  useEffect(() => {
    onUnauthorized(expire);
    return () => onUnauthorized(null);
  }, [expire]);

  useEffect(() => {
    if (!getToken()) return;
    let live = true;
    api
      .get<User>('/api/auth/me')
      .then((me) => live && setUser(me))
      .catch(() => undefined)
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, []);

  // Silent refresh: the access token is swapped shortly before it expires, so a session outlives it.
  useEffect(() => {
    if (!user) return;
    const timer = window.setInterval(() => {
      if (refreshDueInMs() !== 0) return;
      void refreshSession().then((ok) => {
        if (!ok && !getToken()) expire();
      });
    }, 1000);
    return () => window.clearInterval(timer);
  }, [user, expire]);

  const login = useCallback(async (email: string, password: string) => {
    const response = await request<LoginResponse>('POST', '/api/auth/login', { body: { email, password }, anonymous: true });
    storeSession(response, false);
    setUser(response.user);
    setNotice(null);
    return response.user;
  }, []);

  const completeSso = useCallback(async (code: string) => {
    const response = await request<LoginResponse>('POST', '/api/auth/oidc/exchange', { body: { code }, anonymous: true });
    storeSession(response, true);
    setUser(response.user);
    setNotice(null);
    return response.user;
  }, []);

  const logout = useCallback(() => {
    const sso = isSsoSession();
    // The server ends the session (both tokens) at once; the tab forgets them either way.
    void request('POST', '/api/auth/logout', { body: {} })
      .catch(() => undefined)
      .finally(() => {
        setToken(null);
        setUser(null);
        setNotice('login.signedOut');
        if (sso) window.location.assign('/api/auth/oidc/logout');
        else navigate('/login', { replace: true });
      });
  }, []);

  const value = useMemo<Session>(
    () => ({ user, checking, notice, login, completeSso, logout, hasRole: (role) => user?.roles.includes(role) ?? false }),
    [user, checking, notice, login, completeSso, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Where each kind of user starts. */
export function homeFor(user: User): string {
  if (user.roles.includes('case_manager')) return '/dashboard';
  if (user.roles.includes('agency_staff')) return '/inbox';
  if (user.roles.includes('admin')) return '/admin/pathways';
  return '/cases';
}
