import { randomUUID } from 'node:crypto';

/** A fresh pathway key per test file, so tests never see each other's versions or instances. */
export const testKey = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

type Task = { key: string; title: string; assignee: { role: string }; due?: unknown; reminders?: string[] };

const gather: Task = { key: 'gather', title: 'Gather the information', assignee: { role: 'coordinator' }, due: 'P10D', reminders: ['-P2D', 'P0D'] };
const check: Task = { key: 'check', title: 'Police check', assignee: { role: 'police' }, due: 'P5D', reminders: ['P0D'] };
const decide: Task = { key: 'decide', title: 'Decide', assignee: { role: 'coordinator' }, due: 'P3D' };

/** A fresh object every time: tests may change what they get. */
function machine(key: string, first: { name: string; tasks: Task[]; delay: string }) {
  return structuredClone({
    id: key,
    initial: first.name,
    states: {
      [first.name]: {
        meta: { title: 'Intake', tasks: first.tasks },
        after: { [first.delay]: { target: 'review', meta: { title: 'Time is up' } } },
        on: { NEXT: { target: 'review', meta: { title: 'Next' } } },
      },
      review: {
        meta: { title: 'Review', tasks: [decide] },
        on: { CLOSE: { target: 'closed', meta: { title: 'Close' } } },
      },
      closed: { type: 'final', meta: { title: 'Closed' } },
    },
  });
}

/**
 * Version 1 of the test pathway: `intake` with two tasks (coordinator and police) and a 30-day
 * timer, then `review`, then `closed`.
 */
export const v1 = (key: string) => ({ key, title: 'Migration test', machine: machine(key, { name: 'intake', tasks: [gather, check], delay: 'P30D' }) });

/**
 * Version 2: `intake` keeps `gather` with a shorter due date, drops the police check, gains a
 * consent task, and its timer becomes 20 days.
 */
export const v2 = (key: string) => ({
  key,
  title: 'Migration test',
  machine: machine(key, {
    name: 'intake',
    tasks: [{ ...gather, due: 'P7D' }, { key: 'consent', title: 'Record consent', assignee: { role: 'coordinator' }, due: 'P2D', reminders: ['P0D'] }],
    delay: 'P20D',
  }),
});

/** Version 3: `intake` is renamed `assessment` — an instance in `intake` is stranded until mapped. */
export const v3 = (key: string) => ({ key, title: 'Migration test', machine: machine(key, { name: 'assessment', tasks: [gather, check], delay: 'P30D' }) });

/** Version 1 with a two-second timer on `intake`: shows a timer set by a migration firing. */
export const quick = (key: string) => ({ key, title: 'Migration test', machine: machine(key, { name: 'intake', tasks: [gather, check], delay: 'PT2S' }) });

/** A Stately editor export whose machine invokes a service. */
export const statelyWithInvoke = {
  id: 'stately-invoke',
  initial: 'waiting',
  states: {
    waiting: { invoke: { src: 'fetchRecords', onDone: { target: 'done' } }, on: { SKIP: { target: 'done' } } },
    done: { type: 'final' },
  },
};
