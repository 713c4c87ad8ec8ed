// The figures of a run as a small table (stdout) — the JSON goes to .data/faults/last-run.json.

const fmt = (value) => {
  if (value === undefined || value === null) return '–';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length ? value.map(fmt).join(', ') : 'none';
  return Object.entries(value)
    .map(([k, v]) => `${k} ${typeof v === 'object' && v !== null ? `{${fmt(v)}}` : v}`)
    .join(', ');
};

export function figuresTable(f, wallS) {
  const rows = [
    ['cases started', `${f.cases.started} (${f.cases.doomed} refused by the receiver for good; ${f.cases.failedToStart} failed to start)`],
    ['worker kills (-9)', `${f.kills.total}: ${fmt(f.kills.byKind)}; ${f.kills.midDelivery} with deliveries in flight`],
    ['same POST twice', f.kills.samePost ? fmt(f.kills.samePost) : '–'],
    ['restarts', fmt(f.kills.restarts)],
    ['processes that died on their own', f.kills.unexpectedExits],
    ['Redis outages', f.redisOutages.length ? f.redisOutages.map((o) => `${o.durationS} s`).join(', ') : 'none'],
    ['PG backend terminations', `${f.pgTerminations.length} (backends: ${f.pgTerminations.join(', ') || '–'})`],
    ['reminders scheduled / due / sent', `${f.reminders.scheduled} / ${f.reminders.due} / ${f.reminders.sent}`],
    ['due reminders by status', fmt(f.reminders.byStatus)],
    ['reminders withdrawn after due', f.reminders.withdrawnLate],
    ['reminders delivered (webhook)', f.reminders.delivered],
    ['reminders duplicated (same id)', f.reminders.duplicatedSameId],
    ['distinct-id duplicates (must be 0)', f.reminders.distinctIdDuplicates],
    ['reminder lateness s', fmt(f.reminders.latenessS)],
    ['notifications', `${f.notifications.total}: ${fmt(f.notifications.byKind)}; ${f.notifications.acceptedMoreThanOnce} accepted more than once`],
    ['deliveries by status', `${f.deliveries.total}: ${fmt(f.deliveries.byStatus)}`],
    ['timers due / fired', `${f.timers.due} / ${f.timers.fired} (${fmt(f.timers.byStatus)})`],
    ['timer lateness s', fmt(f.timers.latenessS)],
    ['pathway instances', fmt(f.instances)],
    ['receiver POSTs', `${f.receiver.posts}: ${fmt(f.receiver.byAnswer)}`],
    ['API requests', `${f.api.requests} (${f.api.retries} retries); failed in PG termination windows ${f.api.failedInTerminationWindows}, outside ${f.api.failedOutside}; to a process just crashed ${f.api.failedWhileProcessDown}`],
    ['API failures by route', fmt(f.api.failedRoutes)],
    ['reconciler repairs (worker logs)', f.reconciler.lines ? `${f.reconciler.lines} lines: ${fmt(f.reconciler.totals)}` : 'no reconciler lines in the worker logs'],
    ['reconciler repairs (/metrics)', f.reconciler.metrics ?? 'not exposed'],
    ['queue link log lines', fmt(f.queueLink)],
    ['settled', f.settled.settled ? 'yes' : `no, still open: ${fmt(f.settled.open)}`],
    ['wall time', `${wallS} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}
