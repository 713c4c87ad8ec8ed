import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { useApi } from '../api/queries';
import type { DashboardOverdueTrend, DashboardStepDurations, DashboardSummary } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

// Colour-blind-safe palette (Okabe–Ito), dark enough on white for the lines and bars.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#7f6d00'];
const colour = (i: number) => COLOURS[i % COLOURS.length];

function OpenCases({ data }: { data: DashboardSummary }) {
  const { t, number } = useI18n();
  const byPathway = new Map<string, DashboardSummary['openCases']>();
  for (const row of data.openCases) byPathway.set(row.pathwayTitle, [...(byPathway.get(row.pathwayTitle) ?? []), row]);
  return (
    <section className="card" aria-labelledby="open-cases-h">
      <h2 id="open-cases-h">{t('dashboard.openCases')}</h2>
      {data.openCases.length === 0 ? <p>{t('dashboard.noOpenCases')}</p> : null}
      {[...byPathway.entries()].map(([title, rows]) => (
        <div key={title} className="table-wrap">
          <table className="compact">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.step')}</th>
                <th scope="col" className="num">
                  {t('dashboard.cases')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.stateId}>
                  <td>
                    <Link to={`/cases?pathway=${encodeURIComponent(r.pathway)}&state=${encodeURIComponent(r.stateId.split(', ')[0]?.split('.').at(-1) ?? '')}&status=open`} title={r.stateId}>
                      {r.stateTitle}
                    </Link>
                  </td>
                  <td className="num">{number(r.cases)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function AgencyLoad({ data }: { data: DashboardSummary }) {
  const { t, number } = useI18n();
  return (
    <section className="card" aria-labelledby="agency-load-h">
      <h2 id="agency-load-h">{t('dashboard.agencies')}</h2>
      {data.agencies.length === 0 ? (
        <p>{t('dashboard.noTasks')}</p>
      ) : (
        <div className="table-wrap">
          <table className="compact agency-load">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.agency')}</th>
                <th scope="col" className="num">{t('dashboard.overdue')}</th>
                <th scope="col" className="num">{t('dashboard.dueThisWeek')}</th>
                <th scope="col" className="num">{t('dashboard.open')}</th>
              </tr>
            </thead>
            <tbody>
              {data.agencies.map((a) => (
                <tr key={a.agencyId} className={a.overdue > 0 ? 'late' : undefined} data-agency={a.agencyName}>
                  <th scope="row">
                    {a.agencyName}{' '}
                    {a.overdue > 0 ? <span className="tag tag-late">{t('dashboard.late')}</span> : <span className="tag tag-ok">{t('dashboard.onTime')}</span>}
                  </th>
                  <td className="num">{number(a.overdue)}</td>
                  <td className="num">{number(a.dueSoon)}</td>
                  <td className="num">{number(a.open)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Conferences({ data }: { data: DashboardSummary }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="conferences-h">
      <h2 id="conferences-h">{t('dashboard.conferences')}</h2>
      {data.conferences.length === 0 ? (
        <p>{t('dashboard.noConferences')}</p>
      ) : (
        <ul className="plain list-lines">
          {data.conferences.map((c) => (
            <li key={c.id}>
              <time dateTime={c.scheduledAt}>{dateTime(c.scheduledAt)}</time> · <Link to={`/cases/${c.caseId}`}>{c.caseReference}</Link>
              {c.location ? <span className="muted"> · {c.location}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OverdueTrend() {
  const { t, date, number } = useI18n();
  const trend = useApi(['dashboard', 'overdue-trend'], () => api.get<DashboardOverdueTrend>('/api/dashboard/overdue-trend?weeks=12'));
  const d = trend.data;
  const rows = d ? d.weeks.map((week, i) => ({ week: date(week), ...Object.fromEntries(d.series.map((s) => [s.agencyName, s.counts[i] ?? 0])) })) : [];
  return (
    <section className="card chart" aria-labelledby="trend-h">
      <h2 id="trend-h">{t('dashboard.overdueChart')}</h2>
      <p className="hint">{t('dashboard.overdueChartHint')}</p>
      <ErrorMessage error={trend.error} />
      {d && d.series.length === 0 ? <p>{t('dashboard.noData')}</p> : null}
      {d && d.series.length > 0 ? (
        <>
          <div className="chart-frame" role="img" aria-label={t('dashboard.overdueChart')}>
            <ResponsiveContainer width="100%" height={260}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="week" tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12 }} tickFormatter={(v: number) => number(v)} />
                <Tooltip />
                <Legend />
                {d.series.map((s, i) => (
                  <Line key={s.agencyId} type="monotone" dataKey={s.agencyName} stroke={colour(i)} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t('app.showTable')}</summary>
            <div className="table-wrap">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.week')}</th>
                    {d.series.map((s) => (
                      <th key={s.agencyId} scope="col" className="num">{s.agencyName}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.weeks.map((week, i) => (
                    <tr key={week}>
                      <th scope="row">{date(week)}</th>
                      {d.series.map((s) => (
                        <td key={s.agencyId} className="num">{number(s.counts[i] ?? 0)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </section>
  );
}

function StepDurations() {
  const { t, number } = useI18n();
  const steps = useApi(['dashboard', 'step-durations'], () => api.get<DashboardStepDurations>('/api/dashboard/step-durations'));
  const byPathway = new Map<string, DashboardStepDurations['items']>();
  for (const row of steps.data?.items ?? []) byPathway.set(row.pathwayTitle, [...(byPathway.get(row.pathwayTitle) ?? []), row]);
  const median = t('dashboard.median');
  const p90 = t('dashboard.p90');
  return (
    <section className="card chart" aria-labelledby="steps-h">
      <h2 id="steps-h">{t('dashboard.stepChart')}</h2>
      <p className="hint">{t('dashboard.stepChartHint')}</p>
      <ErrorMessage error={steps.error} />
      {steps.data && byPathway.size === 0 ? <p>{t('dashboard.noData')}</p> : null}
      {[...byPathway.entries()].map(([title, rows]) => (
        <div key={title} className="chart-pathway">
          <h3>{title}</h3>
          <div className="chart-frame" role="img" aria-label={`${t('dashboard.stepChart')}: ${title}`}>
            <ResponsiveContainer width="100%" height={Math.max(120, 34 * rows.length + 50)}>
              <BarChart layout="vertical" data={rows.map((r) => ({ step: r.stateTitle, [median]: r.medianDays, [p90]: r.p90Days }))} margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" tick={{ fontSize: 12 }} tickFormatter={(v: number) => number(v)} />
                <YAxis type="category" dataKey="step" width={180} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Bar dataKey={median} fill={colour(0)} isAnimationActive={false} />
                <Bar dataKey={p90} fill={colour(1)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t('app.showTable')}</summary>
            <div className="table-wrap">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.step')}</th>
                    <th scope="col" className="num">{median}</th>
                    <th scope="col" className="num">{p90}</th>
                    <th scope="col" className="num">{t('dashboard.samples')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.stateId}>
                      <th scope="row" title={r.stateId}>{r.stateTitle}</th>
                      <td className="num">{number(r.medianDays, { maximumFractionDigits: 1 })}</td>
                      <td className="num">{number(r.p90Days, { maximumFractionDigits: 1 })}</td>
                      <td className="num">{number(r.samples)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </div>
      ))}
    </section>
  );
}

/** The case manager's landing page: where the caseload stands, who is late, what comes up. */
export function DashboardPage() {
  const { t } = useI18n();
  const summary = useApi(['dashboard', 'summary'], () => api.get<DashboardSummary>('/api/dashboard/summary'));
  const d = summary.data;
  const overdue = d?.agencies.reduce((n, a) => n + a.overdue, 0) ?? 0;
  const open = d?.openCases.reduce((n, r) => n + r.cases, 0) ?? 0;
  return (
    <>
      <div className="page-title">
        <PageHeading title={t('dashboard.title')}>{t('dashboard.title')}</PageHeading>
        {d ? <p className="muted">{t('dashboard.summary', { open, overdue, conferences: d.conferences.length })}</p> : null}
      </div>
      <ErrorMessage error={summary.error} />
      {summary.loading ? <p>{t('app.loading')}</p> : null}
      {d ? (
        <div className="dashboard-grid">
          <AgencyLoad data={d} />
          <Conferences data={d} />
          <OpenCases data={d} />
        </div>
      ) : null}
      <div className="dashboard-charts">
        <OverdueTrend />
        <StepDurations />
      </div>
    </>
  );
}
