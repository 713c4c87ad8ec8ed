import { TITLE_LANGUAGES, type TaskSpec, type TitleLanguage } from './types.js';

/**
 * A task as compiled from a definition: `title` may be written as a string or as
 * `{en, nl, fr, es, de, sv}` (any of them); the compiled task carries the default `title` (English,
 * else the first given) and `titles` by language.
 */
export function normalizeTask(raw: TaskSpec | (Omit<TaskSpec, 'title'> & { title: unknown })): TaskSpec {
  const title = raw.title;
  if (typeof title === 'string' || title === null || typeof title !== 'object') return raw as TaskSpec;
  const titles: Partial<Record<TitleLanguage, string>> = {};
  for (const language of TITLE_LANGUAGES) {
    const text = (title as Record<string, unknown>)[language];
    if (typeof text === 'string' && text.trim() !== '') titles[language] = text;
  }
  const fallback = titles.en ?? Object.values(titles)[0] ?? '';
  return { ...raw, title: fallback, titles };
}

/** A task's title in a language, or its default title. */
export function taskTitleIn(task: Pick<TaskSpec, 'title' | 'titles'>, language: string): string {
  return task.titles?.[language as TitleLanguage] ?? task.title;
}
