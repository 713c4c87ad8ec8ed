import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Diagram as DiagramData, PathwayDetail, PathwayDiff, PathwayVersion } from '../api/types';
import { Diagram } from '../components/diagram';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation } from '../router';
import { useApi } from '../api/queries';
import { DefinitionEditor, type Validation } from './definition-editor';
import { MigrationDryRun } from './migration-dry-run';

const TEMPLATE = {
  key: 'new-pathway',
  title: 'New pathway',
  machine: {
    id: 'new-pathway',
    initial: 'start',
    states: {
      start: { meta: { title: 'Start' }, on: { FINISH: { target: 'done', meta: { title: 'Finish' } } } },
      done: { type: 'final', meta: { title: 'Done' } },
    },
  },
};

const NO_DETAIL: PathwayDetail = { key: '', title: '', publishedVersion: null, latestVersion: 0, versions: [] };

export function PathwayEditorPage({ pathwayKey }: { pathwayKey: string }) {
  const { t, tx, dateTime } = useI18n();
  const { search } = useLocation();
  const isNew = pathwayKey === 'new';
  const detail = useApi(
    ['pathway', pathwayKey],
    () => (isNew ? Promise.resolve(NO_DETAIL) : api.get<PathwayDetail>(`/api/pathways/${encodeURIComponent(pathwayKey)}`)),
  );
  const versions = [...(detail.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  const requested = Number(search.get('version')) || null;
  const editing = requested ?? versions[0]?.version ?? null;

  const [text, setText] = useState(() => (isNew ? JSON.stringify(TEMPLATE, null, 2) : ''));
  const [loadError, setLoadError] = useState<unknown>(null);
  const [validation, setValidation] = useState<Validation>({ state: 'checking' });
  const [svg, setSvg] = useState<string | null>(null);
  const [diff, setDiff] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  // Retiring: which version is being confirmed, and whether with force (after the published version's 409).
  const [retiring, setRetiring] = useState<{ version: number; force: boolean } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (isNew || editing === null) return;
    let live = true;
    setLoadError(null);
    const base = `/api/pathways/${encodeURIComponent(pathwayKey)}/versions/${editing}`;
    api
      .get<PathwayVersion>(base)
      .then((v) => live && setText(JSON.stringify(v.definition, null, 2)))
      .catch((e) => live && setLoadError(e));
    api
      .get<DiagramData>(`${base}/diagram`)
      .then((d) => live && setSvg(d.svg ?? null))
      .catch(() => live && setSvg(null));
    setDiff(null);
    return () => {
      live = false;
    };
  }, [isNew, pathwayKey, editing]);

  const keyOfText = (): string | null => {
    try {
      const key = (JSON.parse(text) as { key?: unknown }).key;
      return typeof key === 'string' && key ? key : null;
    } catch {
      return null;
    }
  };

  const saveDraft = async () => {
    setError(null);
    setMessage(null);
    try {
      const key = isNew ? keyOfText() : pathwayKey;
      if (!key) throw new Error(t('pathways.jsonError', { message: 'key' }));
      const created = await api.post<PathwayVersion>(`/api/pathways/${encodeURIComponent(key)}/versions`, { definition: JSON.parse(text) as unknown });
      setMessage(t('pathways.draftSaved', { version: created.version }));
      navigate(`/admin/pathways/${encodeURIComponent(key)}?version=${created.version}`, { replace: isNew });
      await detail.reload();
    } catch (e) {
      setError(e);
    }
  };

  const publish = async (version: number) => {
    setError(null);
    setMessage(null);
    try {
      await api.post(`/api/pathways/${encodeURIComponent(pathwayKey)}/versions/${version}/publish`);
      setConfirming(null);
      setMessage(t('pathways.publishedOk', { version }));
      await detail.reload();
    } catch (e) {
      setError(e);
    }
  };

  const retire = async (version: number, force: boolean) => {
    setError(null);
    setMessage(null);
    try {
      await api.post(`/api/pathways/${encodeURIComponent(pathwayKey)}/versions/${version}/retire`, force ? { force: true } : {});
      setRetiring(null);
      setMessage(t('pathways.retiredOk', { version }));
      await detail.reload();
    } catch (e) {
      setError(e);
      // The published version: the API says why (409); the administrator may still retire it, with force.
      setRetiring(e instanceof ApiError && e.status === 409 && !force ? { version, force: true } : null);
    }
  };

  const exportVersion = async (version: number) => {
    setError(null);
    try {
      const file = await api.get<unknown>(`/api/pathways/${encodeURIComponent(pathwayKey)}/versions/${version}/export`);
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${pathwayKey}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(e);
    }
  };

  const showDiff = async () => {
    setError(null);
    const published = detail.data?.publishedVersion;
    if (!published || editing === null) return;
    try {
      const d = await api.get<PathwayDiff>(`/api/pathways/${encodeURIComponent(pathwayKey)}/diff?from=${published}&to=${editing}`);
      setDiff(d.text?.trim() ? d.text : t('pathways.noDiff'));
    } catch (e) {
      setError(e);
    }
  };

  const title = isNew ? t('pathways.new') : `${detail.data?.title || pathwayKey}`;
  const liveSvg = validation.state === 'valid' && validation.svg ? validation.svg : null;
  const editingStatus = versions.find((v) => v.version === editing)?.status;

  return (
    <>
      <p>
        <Link to="/admin/pathways">← {t('pathways.backToList')}</Link>
      </p>
      <PageHeading title={title}>
        {title} {!isNew ? <code className="muted">{pathwayKey}</code> : null}
      </PageHeading>
      <SuccessMessage text={message} />
      <ErrorMessage error={error ?? detail.error ?? loadError} />

      {!isNew && versions.length > 0 ? (
        <section className="card" aria-labelledby="versions-h">
          <h2 id="versions-h">{t('pathways.versions')}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('pathways.version')}</th>
                  <th scope="col">{t('pathways.status')}</th>
                  <th scope="col">{t('pathways.created')}</th>
                  <th scope="col">{t('pathways.publishedAt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('case.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version} aria-current={v.version === editing ? 'true' : undefined}>
                    <th scope="row">{v.version}</th>
                    <td>
                      <span className={`tag status-${v.status}`}>{tx('status', v.status)}</span>
                    </td>
                    <td>{dateTime(v.createdAt)}</td>
                    <td>{v.publishedAt ? dateTime(v.publishedAt) : '—'}</td>
                    <td>
                      <div className="row">
                      <Link to={`/admin/pathways/${encodeURIComponent(pathwayKey)}?version=${v.version}`}>
                        {t('pathways.edit')} <span className="visually-hidden">{t('pathways.version')} {v.version}</span>
                      </Link>
                      {v.status === 'draft' ? (
                        confirming === v.version ? (
                          <span className="confirm" role="group" aria-label={t('pathways.publish')}>
                            <span>{t('pathways.publishConfirm', { version: v.version })}</span>
                            <button type="button" className="primary" onClick={() => void publish(v.version)}>
                              {t('pathways.publish')} {v.version}
                            </button>
                            <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                              {t('app.cancel')}
                            </button>
                          </span>
                        ) : (
                          <button type="button" onClick={() => setConfirming(v.version)}>
                            {t('pathways.publish')} <span className="visually-hidden">{t('pathways.version')} {v.version}</span>
                          </button>
                        )
                      ) : null}
                      <button type="button" onClick={() => void exportVersion(v.version)}>
                        {t('pathways.export')} <span className="visually-hidden">{t('pathways.version')} {v.version}</span>
                      </button>
                      {v.status !== 'retired' ? (
                        retiring?.version === v.version ? (
                          <span className="confirm" role="group" aria-label={t('pathways.retire')}>
                            <span>{retiring.force ? t('pathways.retireForceConfirm', { version: v.version }) : t('pathways.retireConfirm', { version: v.version })}</span>
                            <button type="button" className="primary" onClick={() => void retire(v.version, retiring.force)}>
                              {retiring.force ? t('pathways.retireForce', { version: v.version }) : `${t('pathways.retire')} ${v.version}`}
                            </button>
                            <button type="button" className="secondary" onClick={() => setRetiring(null)}>
                              {t('app.cancel')}
                            </button>
                          </span>
                        ) : (
                          <button type="button" onClick={() => setRetiring({ version: v.version, force: false })}>
                            {t('pathways.retire')} <span className="visually-hidden">{t('pathways.version')} {v.version}</span>
                          </button>
                        )
                      ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <div className="editor-layout">
        <section className="card" aria-labelledby="editor-h">
          <h2 id="editor-h">{t('pathways.editor')}</h2>
          {!isNew && editing !== null ? (
            <p className="muted">
              {t('pathways.editing', { version: editing })}
              {editingStatus ? ` (${tx('status', editingStatus)})` : ''}
            </p>
          ) : null}
          <DefinitionEditor text={text} onChange={setText} onValidation={setValidation} />
          <div className="row">
            <button type="button" className="primary" onClick={() => void saveDraft()} disabled={validation.state !== 'valid'}>
              {t('pathways.saveDraft')}
            </button>
            {!isNew && detail.data?.publishedVersion && editing !== null && editing !== detail.data.publishedVersion ? (
              <button type="button" className="secondary" onClick={() => void showDiff()}>
                {t('pathways.showDiff')}
              </button>
            ) : null}
          </div>
          {diff !== null ? (
            <section aria-labelledby="diff-h" className="diff-section">
              <h3 id="diff-h">{t('pathways.diff')}</h3>
              <pre className="diff" tabIndex={0}>
                {diff}
              </pre>
            </section>
          ) : null}
        </section>
        <section className="card" aria-labelledby="diagram-h">
          <h2 id="diagram-h">{t('pathways.diagram')}</h2>
          {liveSvg ? (
            <Diagram svg={liveSvg} label={t('pathways.diagram')} />
          ) : svg && editing !== null ? (
            <>
              <p className="muted">{t('pathways.diagramOf', { version: editing })}</p>
              <Diagram svg={svg} label={t('pathways.diagramOf', { version: editing })} />
            </>
          ) : (
            <p className="muted">{t('case.diagramUnavailable')}</p>
          )}
        </section>
      </div>

      {!isNew && versions.length > 1 ? <MigrationDryRun pathwayKey={pathwayKey} versions={versions} /> : null}
    </>
  );
}
