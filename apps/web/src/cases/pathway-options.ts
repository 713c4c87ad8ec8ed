import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Page, PathwaySummary } from '../api/types';

// The pathways shipped in workflows/: used when the caller may not list pathway definitions.
const SHIPPED = [
  { key: 'referral', title: 'Referral' },
  { key: 'release-planning', title: 'Release planning' },
  { key: 'review', title: 'Review' },
  { key: 'closure', title: 'Closure' },
];

/** The pathways a case can run, for pickers and filters. */
export function usePathwayOptions(): Array<{ key: string; title: string }> {
  const [options, setOptions] = useState(SHIPPED);
  useEffect(() => {
    let live = true;
    api
      .get<Page<PathwaySummary>>('/api/pathways')
      .then((page) => {
        if (live && page.items?.length) setOptions(page.items.map((p) => ({ key: p.key, title: p.title || p.key })));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return options;
}
