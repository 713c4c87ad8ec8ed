import { api } from '../api/client';
import { useApi } from '../api/queries';
import type { Page, PathwaySummary } from '../api/types';

// The pathways shipped in workflows/: used when the caller may not list pathway definitions.
const SHIPPED = [
  { key: 'referral', title: 'Referral' },
  { key: 'release-planning', title: 'Release planning' },
  { key: 'review', title: 'Review' },
  { key: 'closure', title: 'Closure' },
];

/** The pathways a case can run, for pickers and filters (one cached read for the whole app). */
export function usePathwayOptions(): Array<{ key: string; title: string }> {
  const list = useApi(['pathways'], () => api.get<Page<PathwaySummary>>('/api/pathways'), { refetchInterval: undefined });
  const items = list.data?.items ?? [];
  return items.length ? items.map((p) => ({ key: p.key, title: p.title || p.key })) : SHIPPED;
}
