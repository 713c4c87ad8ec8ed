import { TITLE_LANGUAGES, type ValidationError } from './types.js';
import { addDuration, isValidDuration } from './duration.js';
import { childPath, describeValue, isNonEmptyString, isPlainObject, own } from './validator-path.js';
import { checkDuration, checkKeyDate, checkRoleRef, USER_ROLES } from './validator-values.js';

const TASK_KEY = /^[a-z][a-z0-9-]{0,62}$/;
const TASK_KEYS = new Set(['key', 'title', 'assignee', 'due', 'reminders', 'escalation', 'urgent']);
const MAX_TASKS = 50;
const MAX_REMINDERS = 20;

/** Checks a state's `meta`: its title and task list. Returns how many tasks it declares. */
export function checkStateMeta(meta: unknown, path: string, errors: ValidationError[]): number {
  if (!isPlainObject(meta)) {
    errors.push({ path, message: `meta must be an object, got ${describeValue(meta)}` });
    return 0;
  }
  const title = own(meta, 'title');
  if (title !== undefined && !isNonEmptyString(title)) {
    errors.push({ path: childPath(path, 'title'), message: 'title must be a non-empty string' });
  }
  const tasks = own(meta, 'tasks');
  if (tasks === undefined) return 0;
  const tasksPath = childPath(path, 'tasks');
  if (!Array.isArray(tasks)) {
    errors.push({ path: tasksPath, message: 'tasks must be an array' });
    return 0;
  }
  if (tasks.length > MAX_TASKS) {
    errors.push({ path: tasksPath, message: `a state may declare at most ${MAX_TASKS} tasks` });
    return 0;
  }
  const seen = new Set<string>();
  tasks.forEach((task: unknown, index) => {
    const taskPath = childPath(tasksPath, index);
    const key = checkTask(task, taskPath, errors);
    if (key === undefined) return;
    if (seen.has(key)) errors.push({ path: childPath(taskPath, 'key'), message: `task key "${key}" is used twice in this state` });
    seen.add(key);
  });
  return tasks.length;
}

/** Checks one task; returns its key when it has a valid one. */
function checkTask(task: unknown, path: string, errors: ValidationError[]): string | undefined {
  if (!isPlainObject(task)) {
    errors.push({ path, message: 'task must be an object with key, title and assignee' });
    return undefined;
  }
  for (const name of Object.keys(task)) {
    if (!TASK_KEYS.has(name)) {
      errors.push({ path: childPath(path, name), message: `unknown task field "${name}" (allowed: ${[...TASK_KEYS].join(', ')})` });
    }
  }
  const key = own(task, 'key');
  let validKey: string | undefined;
  if (typeof key !== 'string' || !TASK_KEY.test(key)) {
    errors.push({ path: childPath(path, 'key'), message: 'task key is required: lower case letters, digits and "-", starting with a letter' });
  } else {
    validKey = key;
  }
  checkTaskTitle(own(task, 'title'), childPath(path, 'title'), errors);
  const assignee = own(task, 'assignee');
  if (assignee === undefined) {
    errors.push({ path: childPath(path, 'assignee'), message: 'task assignee is required, e.g. { "role": "probation" }' });
  } else {
    checkRoleRef(assignee, childPath(path, 'assignee'), errors);
  }
  const due = own(task, 'due');
  if (due !== undefined) checkDue(due, childPath(path, 'due'), errors);
  checkReminders(own(task, 'reminders'), due !== undefined, childPath(path, 'reminders'), errors);
  checkEscalation(own(task, 'escalation'), due !== undefined, childPath(path, 'escalation'), errors);
  const urgent = own(task, 'urgent');
  if (urgent !== undefined && typeof urgent !== 'boolean') {
    errors.push({ path: childPath(path, 'urgent'), message: 'urgent must be true or false' });
  }
  return validKey;
}

/** `due`: a duration, `{before|after: keyDate, offset}` or `{workingDays, after?: keyDate}`. */
function checkDue(due: unknown, path: string, errors: ValidationError[]): void {
  if (typeof due === 'string') {
    checkDuration(due, path, errors);
    return;
  }
  if (!isPlainObject(due)) {
    errors.push({ path, message: 'due must be a duration, { "before"|"after": keyDate, "offset" } or { "workingDays", "after"? }' });
    return;
  }
  const keys = Object.keys(due);
  if (Object.hasOwn(due, 'workingDays')) {
    const days = own(due, 'workingDays');
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 366) {
      errors.push({ path: childPath(path, 'workingDays'), message: 'workingDays must be a whole number from 0 to 366' });
    }
    if (Object.hasOwn(due, 'after')) checkKeyDate(own(due, 'after'), childPath(path, 'after'), errors);
    for (const key of keys) {
      if (key !== 'workingDays' && key !== 'after') {
        errors.push({ path: childPath(path, key), message: `unknown key "${key}" in a working-days due date (workingDays, after)` });
      }
    }
    return;
  }
  const anchors = keys.filter((key) => key === 'before' || key === 'after');
  const [anchor] = anchors;
  if (anchors.length !== 1 || anchor === undefined) {
    errors.push({ path, message: 'due needs exactly one of "before" or "after" naming a key date' });
  } else {
    checkKeyDate(own(due, anchor), childPath(path, anchor), errors);
  }
  if (!Object.hasOwn(due, 'offset')) {
    errors.push({ path: childPath(path, 'offset'), message: 'offset is required, e.g. "P6M"' });
  } else {
    checkDuration(own(due, 'offset'), childPath(path, 'offset'), errors);
  }
  for (const key of keys) {
    if (key !== 'before' && key !== 'after' && key !== 'offset') {
      errors.push({ path: childPath(path, key), message: `unknown key "${key}" in due (before, after, offset)` });
    }
  }
}

function checkReminders(reminders: unknown, hasDue: boolean, path: string, errors: ValidationError[]): void {
  if (reminders === undefined) return;
  if (!Array.isArray(reminders)) {
    errors.push({ path, message: 'reminders must be an array of durations from the due date, e.g. ["-P3D", "P0D"]' });
    return;
  }
  if (!hasDue && reminders.length > 0) errors.push({ path, message: 'reminders are offsets from the due date: give the task a due date' });
  if (reminders.length > MAX_REMINDERS) {
    errors.push({ path, message: `at most ${MAX_REMINDERS} reminders per task` });
    return;
  }
  reminders.forEach((reminder: unknown, index) => checkDuration(reminder, childPath(path, index), errors, { allowNegative: true }));
}

/** A task title: a string, or the title per language `{en, nl, fr, es, de, sv}` (at least one). */
function checkTaskTitle(title: unknown, path: string, errors: ValidationError[]): void {
  if (isNonEmptyString(title)) return;
  if (!isPlainObject(title)) {
    errors.push({ path, message: 'task title is required: a string, or one per language, e.g. { "en": "Report", "nl": "Rapport" }' });
    return;
  }
  const keys = Object.keys(title);
  if (keys.length === 0) errors.push({ path, message: 'give the title in at least one language' });
  for (const key of keys) {
    if (!(TITLE_LANGUAGES as readonly string[]).includes(key)) {
      errors.push({ path: childPath(path, key), message: `unknown language "${key}" (${TITLE_LANGUAGES.join(', ')})` });
    } else if (!isNonEmptyString(own(title, key))) {
      errors.push({ path: childPath(path, key), message: 'the title in this language must be a non-empty string' });
    }
  }
}

const MAX_RUNGS = 5;

/** `escalation`: one rung `{after, to}`, or a ladder — an array of rungs, each later than the one before. */
function checkEscalation(escalation: unknown, hasDue: boolean, path: string, errors: ValidationError[]): void {
  if (escalation === undefined) return;
  if (!hasDue) errors.push({ path, message: 'escalation counts from the due date: give the task a due date' });
  if (!Array.isArray(escalation)) {
    checkRung(escalation, path, errors);
    return;
  }
  if (escalation.length === 0 || escalation.length > MAX_RUNGS) {
    errors.push({ path, message: `an escalation ladder has 1 to ${MAX_RUNGS} rungs` });
    return;
  }
  let previous: number | undefined;
  escalation.forEach((rung: unknown, index) => {
    const rungPath = childPath(path, index);
    if (!checkRung(rung, rungPath, errors)) return;
    const after = own(rung as Record<string, unknown>, 'after') as string;
    const at = isValidDuration(after) ? addDuration(LADDER_ANCHOR, after).getTime() : undefined;
    if (at !== undefined && previous !== undefined && at <= previous) {
      errors.push({ path: childPath(rungPath, 'after'), message: 'each rung of the ladder comes later than the one before' });
    }
    if (at !== undefined) previous = at;
  });
}

/** Durations of rungs are compared from one fixed instant (months and days have no fixed length). */
const LADDER_ANCHOR = new Date('2027-01-01T00:00:00Z');

function checkRung(rung: unknown, path: string, errors: ValidationError[]): boolean {
  if (!isPlainObject(rung)) {
    errors.push({ path, message: 'escalation must be { "after": duration, "to": { "role": … } } or an array of them' });
    return false;
  }
  const before = errors.length;
  checkDuration(own(rung, 'after'), childPath(path, 'after'), errors);
  const to = own(rung, 'to');
  if (to === undefined) {
    errors.push({ path: childPath(path, 'to'), message: 'escalation.to is required, e.g. { "role": "coordinator" }' });
  } else {
    checkRoleRef(to, childPath(path, 'to'), errors);
  }
  for (const key of Object.keys(rung)) {
    if (key !== 'after' && key !== 'to') errors.push({ path: childPath(path, key), message: `unknown key "${key}" in escalation (after, to)` });
  }
  return errors.length === before;
}

/** Checks a transition's `meta`: `title` and the user `roles` that may send it. */
export function checkTransitionMeta(meta: unknown, path: string, errors: ValidationError[]): void {
  if (!isPlainObject(meta)) {
    errors.push({ path, message: `meta must be an object, got ${describeValue(meta)}` });
    return;
  }
  const title = own(meta, 'title');
  if (title !== undefined && !isNonEmptyString(title)) {
    errors.push({ path: childPath(path, 'title'), message: 'title must be a non-empty string' });
  }
  const roles = own(meta, 'roles');
  if (roles === undefined) return;
  const rolesPath = childPath(path, 'roles');
  if (!Array.isArray(roles) || roles.length === 0) {
    errors.push({ path: rolesPath, message: `roles must be a non-empty array of ${USER_ROLES.join(', ')}` });
    return;
  }
  roles.forEach((role: unknown, index) => {
    if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
      errors.push({ path: childPath(rolesPath, index), message: `unknown user role ${describeValue(role)}; allowed: ${USER_ROLES.join(', ')}` });
    }
  });
}
