import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { FieldError, ValidationResult } from '../api/types';
import { describeError } from '../components/error-message';
import { useI18n } from '../i18n/i18n';
import { lineAt, locatePath, parseErrorOffset } from './json-locate';

export type Validation =
  | { state: 'checking' }
  | { state: 'valid'; svg?: string }
  | { state: 'invalid'; errors: FieldError[] }
  | { state: 'json'; message: string; offset: number | null }
  | { state: 'failed'; message: string };

interface DefinitionEditorProps {
  text: string;
  onChange: (text: string) => void;
  onValidation?: (v: Validation) => void;
}

const DEBOUNCE_MS = 400;

/**
 * The JSON text of a pathway definition, checked by the API as the administrator types. Each
 * problem is a button that selects the line it is about.
 */
export function DefinitionEditor({ text, onChange, onValidation }: DefinitionEditorProps) {
  const { t } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  const [validation, setValidation] = useState<Validation>({ state: 'checking' });
  const report = useRef(onValidation);
  report.current = onValidation;

  useEffect(() => {
    const update = (v: Validation) => {
      setValidation(v);
      report.current?.(v);
    };
    update({ state: 'checking' });
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      update({ state: 'json', message, offset: parseErrorOffset(text, message) });
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      api
        .post<ValidationResult & { svg?: string; diagram?: { svg?: string } }>('/api/pathways/validate', { definition })
        .then((r) => {
          if (!live) return;
          if (r.valid) update({ state: 'valid', svg: r.svg ?? r.diagram?.svg });
          else update({ state: 'invalid', errors: r.errors ?? [] });
        })
        .catch((e) => live && update({ state: 'failed', message: describeError(e, t) }));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [text, t]);

  const select = (offset: number | null) => {
    const el = area.current;
    if (!el || offset === null) return;
    const line = lineAt(text, offset);
    el.focus();
    el.setSelectionRange(line.start, line.end);
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.scrollTop = Math.max(0, (line.line - 4) * lineHeight);
  };

  return (
    <div className="definition-editor stack">
      <div className="field">
        <label htmlFor="definition-text">{t('pathways.definition')}</label>
        <p className="hint" id="definition-hint">
          {t('pathways.definitionHint')}
        </p>
        <textarea
          id="definition-text"
          ref={area}
          className="code"
          spellCheck={false}
          rows={28}
          aria-describedby="definition-hint definition-status"
          aria-invalid={validation.state === 'invalid' || validation.state === 'json'}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      <div id="definition-status" className="validation" aria-live="polite">
        {validation.state === 'checking' ? <p className="muted">{t('pathways.validating')}</p> : null}
        {validation.state === 'valid' ? <p className="message message-success">{t('pathways.valid')}</p> : null}
        {validation.state === 'failed' ? <p className="message message-error">{validation.message}</p> : null}
        {validation.state === 'json' ? (
          <p className="message message-error">
            <button type="button" className="link-button" onClick={() => select(validation.offset)}>
              {t('pathways.jsonError', { message: validation.message })}
            </button>
          </p>
        ) : null}
        {validation.state === 'invalid' ? (
          <div className="message message-error">
            <p>{t('pathways.invalid', { count: validation.errors.length })}</p>
            <ul className="validation-errors">
              {validation.errors.map((error, i) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => select(locatePath(text, error.path)?.start ?? null)}>
                    <code>{error.path || '(root)'}</code>
                  </button>{' '}
                  {error.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
