import { compilePathway } from './compile.js';
import { ACTIONS, GUARDS } from './registry.js';
import type { PathwayDefinition, ValidationError } from './types.js';
import { resolveAllTargets, reachableStates, statesThatCannotFinish } from './validator-graph.js';
import { checkPlainJson } from './validator-json.js';
import { walkMachine } from './validator-machine.js';
import { childPath, describeValue, isNonEmptyString, isPlainObject, own } from './validator-path.js';

export { KNOWN_KEY_DATES, USER_ROLES } from './validator-values.js';

/** Pathway keys: lower-case slug, as used in URLs (`/api/pathways/:key`). */
export const PATHWAY_KEY_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

const DEFINITION_KEYS = new Set(['key', 'title', 'description', 'machine']);

/**
 * Checks a pathway definition and returns every problem found, each with its JSON path
 * (`$` is the definition). An empty list means the definition can be stored and published.
 * Never throws, whatever the input.
 *
 * @example validateDefinition({ key: 'x' }) // [{ path: '$.title', message: 'title is required' }, …]
 */
export function validateDefinition(input: unknown): ValidationError[] {
  try {
    return validate(input);
  } catch (error) {
    // Last resort for exotic inputs (proxies, throwing getters): report instead of crashing the caller.
    return [{ path: '$', message: `definition could not be read: ${error instanceof Error ? error.message : String(error)}` }];
  }
}

/** True when {@link validateDefinition} finds nothing; narrows the input's type. */
export function isValidDefinition(input: unknown): input is PathwayDefinition {
  return validateDefinition(input).length === 0;
}

function validate(input: unknown): ValidationError[] {
  if (!isPlainObject(input)) {
    return [{ path: '$', message: `a definition is an object { key, title, description?, machine }, got ${describeValue(input)}` }];
  }
  // Shape and meaning are only worth checking on plain, bounded JSON.
  const jsonErrors = checkPlainJson(input);
  if (jsonErrors.length > 0) return jsonErrors;

  const errors: ValidationError[] = [];
  for (const key of Object.keys(input)) {
    if (!DEFINITION_KEYS.has(key)) {
      errors.push({ path: childPath('$', key), message: `unknown key "${key}"; a definition has key, title, description and machine` });
    }
  }
  const key = own(input, 'key');
  if (typeof key !== 'string' || !PATHWAY_KEY_PATTERN.test(key)) {
    errors.push({ path: '$.key', message: 'key is required: 2 to 63 lower case letters, digits or "-", starting with a letter' });
  }
  if (!isNonEmptyString(own(input, 'title'))) errors.push({ path: '$.title', message: 'title is required' });
  const description = own(input, 'description');
  if (description !== undefined && typeof description !== 'string') {
    errors.push({ path: '$.description', message: 'description must be a string' });
  }

  const model = walkMachine(own(input, 'machine'), { kind: 'guard', specs: GUARDS }, { kind: 'action', specs: ACTIONS }, errors);
  if (!model) return errors;
  const targets = resolveAllTargets(model, errors);
  const reached = reachableStates(model, targets);
  for (const node of model.nodes) {
    if (!reached.has(node)) {
      errors.push({ path: node.path, message: `state "${node.keys.join('.')}" can never be entered from the initial state` });
    }
  }
  const finalStates = model.nodes.filter((node) => node.type === 'final' && node.parent === model.root);
  if (model.root.children.size === 0) {
    // Already reported: the machine has no states to judge.
  } else if (model.root.type !== 'parallel' && finalStates.length === 0) {
    errors.push({ path: '$.machine.states', message: 'the machine has no top-level final state ("type": "final"), so an instance could never finish' });
  } else {
    for (const node of statesThatCannotFinish(model, targets)) {
      const name = node.keys.join('.');
      errors.push({
        path: node.path,
        message: node.type === 'final'
          ? `final state "${name}" completes its parent, but nothing leads on from there: add "onDone" to the parent`
          : `state "${name}" has no path to a final state`,
      });
    }
  }

  if (errors.length === 0) {
    try {
      compilePathway(input as unknown as PathwayDefinition);
    } catch (error) {
      errors.push({ path: '$.machine', message: `the engine cannot compile this machine: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return errors;
}
