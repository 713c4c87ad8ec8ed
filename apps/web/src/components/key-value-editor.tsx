import { useI18n } from '../i18n/i18n';

export interface KeyValue {
  key: string;
  value: string;
}

/**
 * A list of name/value pairs for event details no form knows about. Values that look like
 * numbers or true/false are sent as such, so a guard comparing `true` still matches.
 */
export function KeyValueEditor({ rows, onChange, idPrefix }: { rows: KeyValue[]; onChange: (rows: KeyValue[]) => void; idPrefix: string }) {
  const { t } = useI18n();
  const set = (index: number, patch: Partial<KeyValue>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <div className="stack">
      {rows.map((row, index) => (
        <div className="row" key={index} role="group" aria-label={t('event.fieldN', { index: index + 1 })}>
          <div className="field">
            <label htmlFor={`${idPrefix}-k${index}`}>{t('event.fieldName')}</label>
            <input id={`${idPrefix}-k${index}`} value={row.key} onChange={(e) => set(index, { key: e.target.value })} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-v${index}`}>{t('event.fieldValue')}</label>
            <input id={`${idPrefix}-v${index}`} value={row.value} onChange={(e) => set(index, { value: e.target.value })} autoComplete="off" />
          </div>
          <button
            type="button"
            className="secondary"
            aria-label={t('event.removeField', { index: index + 1 })}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => onChange([...rows, { key: '', value: '' }])}>
          {t('event.addField')}
        </button>
      </div>
    </div>
  );
}

/** Turns typed text into the JSON value a person most likely meant. */
export function parseValue(text: string): string | number | boolean | null {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}
