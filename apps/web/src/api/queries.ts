// Data fetching goes through TanStack Query: one cache for the app, refetched when the window
// regains focus (someone else may have moved the case on meanwhile) and after every change.
import { QueryClient, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError } from './client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: true,
        staleTime: 10_000,
        // 4xx answers (not found, forbidden) will not change by asking again.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
    },
  });
}

export interface ApiQuery<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again (after a change made on this page). */
  reload: () => Promise<void>;
}

/** Reads something from the API through the query cache, under `key`. */
export function useApi<T>(key: QueryKey, load: () => Promise<T>, options: { enabled?: boolean; refetchInterval?: number } = {}): ApiQuery<T> {
  const query = useQuery({ queryKey: key, queryFn: load, ...options });
  const { refetch } = query;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  return { data: query.data, error: query.error, loading: query.isPending, reload };
}

/** Marks cached reads as stale after a change, so every page showing them fetches anew. */
export function useInvalidate(): (...prefixes: string[]) => Promise<void> {
  const client = useQueryClient();
  return useCallback(
    async (...prefixes: string[]) => {
      if (prefixes.length === 0) await client.invalidateQueries();
      else await Promise.all(prefixes.map((p) => client.invalidateQueries({ queryKey: [p] })));
    },
    [client],
  );
}
