import type { ValidationError } from './types.js';
import { childPath, describeValue, isNonEmptyString, isPlainObject, own } from './validator-path.js';
import type { ParamSpec } from './registry.js';
import { checkKeyDate } from './validator-values.js';

/** What the validator needs to know about the engine's registry of guards or actions. */
export interface RegistryView {
  kind: 'guard' | 'action';
  specs: Readonly<Record<string, { params: Record<string, ParamSpec> }>>;
}

type ParamCheck = (params: Record<string, unknown>, path: string, errors: ValidationError[]) => void;

const PATHWAY_KEY = /^[a-z][a-z0-9-]{1,62}$/;

/**
 * Rules beyond the registry's parameter types, for the guards and actions pathways rely on: they
 * catch a wrong definition at publish time instead of at the first event.
 */
const GUARD_PARAMS: Record<string, ParamCheck> = {
  quorumMet: (params, path, errors) => {
    const roles = own(params, 'roles');
    if (Array.isArray(roles) && (roles.length === 0 || !roles.every(isNonEmptyString))) {
      errors.push({ path: childPath(path, 'roles'), message: 'params.roles must list the participant roles that must attend, e.g. ["probation", "police"]' });
    }
  },
  dataEquals: (params, path, errors) => {
    const value = own(params, 'value');
    if (value !== undefined && value !== null && typeof value === 'object') {
      errors.push({ path: childPath(path, 'value'), message: 'params.value must be a string, number, boolean or null' });
    }
  },
  keyDateSet: (params, path, errors) => {
    const name = own(params, 'name');
    if (typeof name === 'string') checkKeyDate(name, childPath(path, 'name'), errors);
  },
};

const ACTION_PARAMS: Record<string, ParamCheck> = {
  startPathway: (params, path, errors) => {
    const key = own(params, 'key');
    if (typeof key === 'string' && !PATHWAY_KEY.test(key)) {
      errors.push({ path: childPath(path, 'key'), message: `params.key "${key}" is not a pathway key (lower case letters, digits and "-")` });
    }
  },
};

/**
 * Checks a guard or action reference: `"name"` or `{ "type": "name", "params": {…} }`.
 * Returns the name when it is a string, so callers can list what a definition uses.
 */
export function checkRef(ref: unknown, path: string, registry: RegistryView, errors: ValidationError[]): string | undefined {
  const noun = registry.kind;
  let name: unknown;
  let params: Record<string, unknown> = {};
  let paramsPath = childPath(path, 'params');
  if (typeof ref === 'string') {
    name = ref;
    paramsPath = path;
  } else if (isPlainObject(ref)) {
    name = own(ref, 'type');
    for (const key of Object.keys(ref)) {
      if (key !== 'type' && key !== 'params') {
        errors.push({ path: childPath(path, key), message: `unknown key "${key}" in a ${noun} reference (type, params)` });
      }
    }
    const rawParams = own(ref, 'params');
    if (rawParams !== undefined) {
      if (isPlainObject(rawParams)) params = rawParams;
      else errors.push({ path: paramsPath, message: 'params must be an object' });
    }
  } else {
    errors.push({ path, message: `a ${noun} is a registry name or { "type": name, "params": {…} }, got ${describeValue(ref)}` });
    return undefined;
  }
  const typePath = typeof ref === 'string' ? path : childPath(path, 'type');
  if (typeof name !== 'string' || name.length === 0) {
    errors.push({ path: typePath, message: `${noun} type is required` });
    return undefined;
  }
  if (name.startsWith('xstate.')) {
    errors.push({ path: typePath, message: `built-in XState ${noun}s ("${name}") are not allowed; use the registry: ${Object.keys(registry.specs).join(', ')}` });
    return name;
  }
  const spec = own(registry.specs, name);
  if (spec === undefined) {
    errors.push({ path: typePath, message: `unknown ${noun} "${name}"; known ${noun}s: ${Object.keys(registry.specs).join(', ')}` });
    return name;
  }
  const required = Object.entries(spec.params).filter(([, param]) => param.required);
  if (typeof ref === 'string') {
    if (required.length > 0) {
      errors.push({ path, message: `${noun} "${name}" needs params (${required.map(([key]) => key).join(', ')}): write { "type": "${name}", "params": {…} }` });
    }
    return name;
  }
  for (const [key, param] of Object.entries(spec.params)) {
    checkParam(own(params, key), key, param, childPath(paramsPath, key), registry, errors);
  }
  const rules = noun === 'guard' ? GUARD_PARAMS : ACTION_PARAMS;
  own(rules, name)?.(params, paramsPath, errors);
  return name;
}

/** Checks one parameter against the type the registry declares for it. */
function checkParam(
  value: unknown,
  key: string,
  param: ParamSpec,
  path: string,
  registry: RegistryView,
  errors: ValidationError[],
): void {
  if (value === undefined) {
    if (param.required) errors.push({ path, message: `params.${key} is required: ${param.description}` });
    return;
  }
  switch (param.type) {
    case 'string':
      if (typeof value !== 'string') errors.push({ path, message: `params.${key} must be a string` });
      break;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        errors.push({ path, message: `params.${key} must be an array of strings` });
      }
      break;
    case 'guard':
      checkRef(value, path, registry, errors);
      break;
    case 'json':
      break;
  }
}
