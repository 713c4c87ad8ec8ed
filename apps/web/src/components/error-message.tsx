import { ApiError } from '../api/client';
import { useI18n, type Translate } from '../i18n/i18n';

/** Puts an API failure into words for people: the problem's detail, never raw JSON. */
export function describeError(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('error.network');
    if (error.problem.detail) return error.problem.detail;
    if (error.status === 404) return t('error.notFound');
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 409) return t('error.conflict');
    if (error.problem.title && !error.problem.errors?.length) return error.problem.title;
    if (error.problem.errors?.length) return t('error.fields');
    return t('error.generic', { status: error.status });
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An error box that screen readers announce, listing field errors under the main message. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const fields = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return (
    <div className="message message-error" role="alert">
      <p>{describeError(error, t)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f, i) => (
            <li key={i}>
              {f.path ? <code>{f.path}</code> : null} {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A polite confirmation ("Saved.") that screen readers announce without interrupting. */
export function SuccessMessage({ text }: { text: string | null }) {
  return (
    <div role="status" className={text ? 'message message-success' : 'visually-hidden'}>
      {text}
    </div>
  );
}
