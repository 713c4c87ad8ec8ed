import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { PathwayVersionInfo } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';

type Item = Record<string, unknown>;

/** A short account of one field of a plan: scalars as they are, lists by their length. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return String(value.length);
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${show(v)}`).join(', ');
  const scalar: unknown = value;
  return String(scalar);
}

export function MigrationDryRun({ pathwayKey, versions }: { pathwayKey: string; versions: PathwayVersionInfo[] }) {
  const { t } = useI18n();
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const [from, setFrom] = useState(String(sorted.find((v) => v.status === 'published')?.version ?? sorted[0]?.version ?? ''));
  const [to, setTo] = useState(String(sorted[sorted.length - 1]?.version ?? ''));
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [applied, setApplied] = useState<{ applied: number; refused: number } | null>(null);

  const apply = async () => {
    if (!window.confirm(t('pathways.applyConfirm', { count: items?.length ?? 0, version: to }))) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ summary: { applied: number; refused: number } }>(
        `/api/pathways/${encodeURIComponent(pathwayKey)}/migrations/apply`,
        { fromVersion: Number(from), toVersion: Number(to), all: true },
      );
      setApplied(result.summary);
      setItems(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ items?: Item[] }>(`/api/pathways/${encodeURIComponent(pathwayKey)}/migrations/dry-run`, {
        fromVersion: Number(from),
        toVersion: Number(to),
      });
      setItems(result.items ?? []);
    } catch (err) {
      setError(err);
      setItems(null);
    } finally {
      setBusy(false);
    }
  };

  const columns = items && items.length ? [...new Set(items.flatMap((i) => Object.keys(i)))].slice(0, 8) : [];
  return (
    <section className="card" aria-labelledby="dry-run-h">
      <h2 id="dry-run-h">{t('pathways.dryRun')}</h2>
      <p className="hint">{t('pathways.dryRunHint')}</p>
      <form onSubmit={(e) => void run(e)} className="row">
        <VersionSelect label={t('pathways.from')} versions={sorted} value={from} onChange={setFrom} />
        <VersionSelect label={t('pathways.to')} versions={sorted} value={to} onChange={setTo} />
        <button type="submit" disabled={busy || !from || !to}>
          {t('pathways.runDryRun')}
        </button>
      </form>
      <ErrorMessage error={error} />
      {applied ? <p role="status">{t('pathways.applied', { applied: applied.applied, refused: applied.refused })}</p> : null}
      {items && items.length > 0 ? (
        <button type="button" disabled={busy} onClick={() => void apply()}>
          {t('pathways.apply')}
        </button>
      ) : null}
      {items && items.length === 0 ? <p role="status">{t('pathways.dryRunEmpty')}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((item, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c}>{show(item[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function VersionSelect(props: { label: string; versions: Array<{ version: number }>; value: string; onChange: (value: string) => void }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
