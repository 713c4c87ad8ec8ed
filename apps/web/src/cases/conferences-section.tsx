import { useState } from 'react';
import type { CaseDetail, ConferenceView as Conference } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { AttendanceForm, CancelConferenceForm, MinutesForm, MoveConferenceForm, ScheduleConferenceForm, downloadInvite } from './conference-forms';

function ConferenceCard({ conference, detail, onChanged }: { conference: Conference; detail: CaseDetail; onChanged: (m: string) => void }) {
  const { t, tx, dateTime } = useI18n();
  const { hasRole } = useSession();
  const agencies = useAgencies();
  const [error, setError] = useState<unknown>(null);
  const agencyIds = conference.agencyIds?.length ? conference.agencyIds : [...new Set(detail.participants.map((p) => p.agencyId))];
  const manager = hasRole('case_manager');
  return (
    <article className="conference" aria-label={t('conf.at', { when: dateTime(conference.scheduledAt) })}>
      <h3>
        {t('conf.at', { when: dateTime(conference.scheduledAt) })} <span className={`tag status status-${conference.status}`}>{tx('status', conference.status)}</span>
      </h3>
      <dl className="facts">
        {conference.location ? (
          <div>
            <dt>{t('conf.location')}</dt>
            <dd>{conference.location}</dd>
          </div>
        ) : null}
        {conference.durationMinutes ? (
          <div>
            <dt>{t('conf.duration')}</dt>
            <dd>{conference.durationMinutes}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('conf.invite')}</dt>
          <dd>{agencyIds.map((id) => agencies.name(id)).join(', ')}</dd>
        </div>
      </dl>
      <ErrorMessage error={error} />
      <p>
        <button type="button" className="link-button" onClick={() => void downloadInvite(conference).catch(setError)}>
          {t('conf.downloadInvite')}
        </button>
      </p>
      {conference.minutes?.text ? (
        <div className="minutes">
          <h4>{t('conf.minutes')}</h4>
          <p className="pre">{conference.minutes.text}</p>
          {conference.minutes.decisions?.length ? (
            <ul>
              {conference.minutes.decisions.map((d, i) => (
                <li key={i}>{typeof d === 'string' ? d : d.text}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {manager && conference.status !== 'cancelled' ? (
        <>
          <details>
            <summary>{t('conf.move')}</summary>
            <MoveConferenceForm conference={conference} onDone={onChanged} />
          </details>
          <details>
            <summary>{t('conf.attendance')}</summary>
            <AttendanceForm conference={conference} agencyIds={agencyIds} onDone={onChanged} />
          </details>
          <details>
            <summary>{t('conf.minutes')}</summary>
            <MinutesForm conference={conference} agencyIds={agencyIds} onDone={onChanged} />
          </details>
          {conference.status === 'scheduled' ? (
            <details>
              <summary>{t('conf.cancel')}</summary>
              <CancelConferenceForm conference={conference} onDone={onChanged} />
            </details>
          ) : null}
        </>
      ) : null}
    </article>
  );
}

export function ConferencesSection({ detail, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const conferences = [...(detail.conferences ?? [])].sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  return (
    <section className="card" aria-labelledby="conferences-h">
      <h2 id="conferences-h">{t('conf.title')}</h2>
      {conferences.length === 0 ? <p>{t('conf.none')}</p> : null}
      {conferences.map((c) => (
        <ConferenceCard key={c.id} conference={c} detail={detail} onChanged={onChanged} />
      ))}
      {hasRole('case_manager') ? <ScheduleConferenceForm caseId={detail.id} participants={detail.participants} onDone={onChanged} /> : null}
    </section>
  );
}
