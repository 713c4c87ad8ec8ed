import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from './api/client';
import type { Agency, Page } from './api/types';
import { useI18n } from './i18n/i18n';
import { useSession } from './session';

interface Agencies {
  list: Agency[];
  name: (id: string | null | undefined) => string;
  reload: () => Promise<void>;
}

const AgenciesContext = createContext<Agencies | null>(null);

/** Loads the agencies once per sign-in: nearly every page names them. */
export function AgenciesProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { t } = useI18n();
  const [list, setList] = useState<Agency[]>([]);
  const reload = useCallback(async () => {
    try {
      const page = await api.get<Page<Agency>>('/api/agencies');
      setList(page.items ?? []);
    } catch {
      setList([]);
    }
  }, []);
  useEffect(() => {
    if (user) void reload();
    else setList([]);
  }, [user, reload]);
  const value = useMemo<Agencies>(() => {
    const byId = new Map(list.map((a) => [a.id, a.name]));
    return { list, reload, name: (id) => (id ? (byId.get(id) ?? t('app.unknownAgency')) : '—') };
  }, [list, reload, t]);
  return <AgenciesContext.Provider value={value}>{children}</AgenciesContext.Provider>;
}

export function useAgencies(): Agencies {
  const value = useContext(AgenciesContext);
  if (!value) throw new Error('useAgencies outside AgenciesProvider');
  return value;
}
