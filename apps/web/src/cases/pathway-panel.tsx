import { useEffect, useId, useState } from 'react';
import { api } from '../api/client';
import type { AllowedEvent, Diagram as DiagramData, PathwayInstance } from '../api/types';
import { Diagram, describeState, stateIds } from '../components/diagram';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { EventForm } from './event-form';
import { usePathwayOptions } from './pathway-options';

interface PathwayPanelProps {
  caseId: string;
  instance: PathwayInstance;
  onChanged: (message: string) => void;
  onConflict: () => void;
}

/** The human titles of the given states, read from the diagram's tooltips ("Screening (screening)"). */
function titlesFromSvg(svg: string, ids: string[]): string[] {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const titles: string[] = [];
  for (const id of ids) {
    const node = [...doc.querySelectorAll('[data-state]')].find((n) => n.getAttribute('data-state') === id);
    const text = node?.querySelector('title')?.textContent?.split('\n')[0];
    if (text) titles.push(text.replace(/\s*\([^)]*\)\s*$/, ''));
  }
  return titles;
}

function leafIds(value: unknown): string[] {
  const all = stateIds(value);
  return all.filter((id) => !all.some((other) => other.startsWith(`${id}.`)));
}

/** One pathway instance: where it stands on its diagram and what can happen next. */
export function PathwayPanel({ caseId, instance, onChanged, onConflict }: PathwayPanelProps) {
  const { t, tx } = useI18n();
  const { user } = useSession();
  const uid = useId();
  const [svg, setSvg] = useState<string | null>(null);
  const [diagramFailed, setDiagramFailed] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const pathwayTitle = usePathwayOptions().find((p) => p.key === instance.key)?.title ?? instance.key;

  const leaves = leafIds(instance.state).join(',');
  useEffect(() => {
    let live = true;
    setDiagramFailed(false);
    const highlight = leaves ? `?highlight=${encodeURIComponent(leaves)}` : '';
    api
      .get<DiagramData>(`/api/pathways/${encodeURIComponent(instance.key)}/versions/${instance.version}/diagram${highlight}`)
      .then((d) => live && (d.svg ? setSvg(d.svg) : setDiagramFailed(true)))
      .catch(() => live && setDiagramFailed(true));
    return () => {
      live = false;
    };
  }, [instance.key, instance.version, leaves]);

  const highlight = stateIds(instance.state);
  const stepTitles = svg ? titlesFromSvg(svg, leafIds(instance.state)) : [];
  const stepText = stepTitles.length ? stepTitles.join(', ') : describeState(instance.state);
  const mine = (e: AllowedEvent) => !e.roles?.length || !user || e.roles.some((r) => (user.roles as string[]).includes(r));
  const events = (instance.availableEvents ?? instance.allowedEvents ?? []).filter(mine);

  return (
    <section className="card pathway" aria-labelledby={`${uid}-h`}>
      <h3 id={`${uid}-h`} title={`${instance.key} v${instance.version}`}>
        {pathwayTitle} <span className="muted">({t('case.version', { version: instance.version })})</span>
      </h3>
      <dl className="facts">
        <div>
          <dt>{t('case.currentStep')}</dt>
          <dd>
            <strong className="current-step-text" title={describeState(instance.state)}>
              {stepText}
            </strong>
          </dd>
        </div>
        <div>
          <dt>{t('case.instanceStatus')}</dt>
          <dd>{tx('status', instance.status)}</dd>
        </div>
      </dl>
      <div className="pathway-body">
        <div className="pathway-actions">
          <h4>{t('case.actions')}</h4>
          {events.length === 0 ? <p>{t('case.noActions')}</p> : null}
          <ul className="actions">
            {events.map((e) => {
              const enabled = e.enabled !== false;
              const reasonId = `${uid}-${e.type}-reason`;
              return (
                <li key={e.type}>
                  <button
                    type="button"
                    className={enabled ? 'primary' : undefined}
                    disabled={!enabled || instance.status !== 'active'}
                    aria-expanded={enabled ? open === e.type : undefined}
                    aria-describedby={!enabled && e.reason ? reasonId : undefined}
                    onClick={() => setOpen(open === e.type ? null : e.type)}
                  >
                    {e.title ?? e.type}
                  </button>
                  {!enabled ? (
                    <p className="reason" id={reasonId}>
                      <span className="reason-label">{t('case.whyNot')}: </span>
                      {e.reason ?? t('case.notAllowed')}
                    </p>
                  ) : null}
                  {open === e.type && enabled ? (
                    <EventForm
                      caseId={caseId}
                      instance={instance}
                      event={e}
                      onCancel={() => setOpen(null)}
                      onConflict={onConflict}
                      onDone={(title) => {
                        setOpen(null);
                        onChanged(t('case.eventDone', { title }));
                      }}
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        </div>
        <div className="pathway-diagram">
          {svg ? <Diagram svg={svg} highlight={highlight} label={`${t('case.diagram')}: ${stepText}`} /> : null}
          {diagramFailed ? <p className="muted">{t('case.diagramUnavailable')}</p> : null}
        </div>
      </div>
    </section>
  );
}
