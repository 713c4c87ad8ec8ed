import { useQueries } from '@tanstack/react-query';
import { api } from '../api/client';
import type { PathwayVersion } from '../api/types';

interface StateNode {
  meta?: { title?: unknown };
  states?: Record<string, StateNode>;
}

/** Every state of a definition by its dotted id (`planning.draft`) → its title, where it has one. */
export function titlesOfDefinition(definition: unknown): Map<string, string> {
  const titles = new Map<string, string>();
  const walk = (states: Record<string, StateNode> | undefined, prefix: string) => {
    for (const [key, node] of Object.entries(states ?? {})) {
      const id = prefix ? `${prefix}.${key}` : key;
      if (typeof node.meta?.title === 'string' && node.meta.title) titles.set(id, node.meta.title);
      walk(node.states, id);
    }
  };
  walk((definition as { machine?: StateNode } | null)?.machine?.states, '');
  return titles;
}

/** The leaf states of an XState state value, as dotted ids (`"a"` → a, `{a: {b: "c", d: "e"}}` → a.b.c, a.d.e). */
export function leafStateIds(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leafStateIds(child, prefix ? `${prefix}.${key}` : key));
  }
  return [];
}

/**
 * Titles of the states of the given pathway versions, read once per version (a version never
 * changes) through the query cache: `titleOf(key, version, stateValue)` says the current step in
 * words, falling back to the ids while a definition is loading or cannot be read.
 */
export function useStateTitles(versions: Array<{ key: string; version: number }>): (key: string, version: number, state: unknown) => string {
  const unique = [...new Map(versions.map((v) => [`${v.key}@${v.version}`, v])).values()];
  const results = useQueries({
    queries: unique.map((v) => ({
      queryKey: ['pathway-version', v.key, v.version],
      queryFn: () => api.get<PathwayVersion>(`/api/pathways/${encodeURIComponent(v.key)}/versions/${v.version}`),
      staleTime: Infinity,
      refetchOnWindowFocus: false,
    })),
  });
  const byVersion = new Map<string, Map<string, string>>();
  unique.forEach((v, i) => {
    const data = results[i]?.data;
    if (data) byVersion.set(`${v.key}@${v.version}`, titlesOfDefinition(data.definition));
  });
  return (key, version, state) => {
    const titles = byVersion.get(`${key}@${version}`);
    return leafStateIds(state)
      .map((id) => titles?.get(id) ?? id)
      .join(', ');
  };
}
