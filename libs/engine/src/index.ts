/** The pathway engine: pure functions from a definition, a snapshot and an event to the next snapshot and effects. */
export * from './types.js';
export * from './duration.js';
export * from './working-days.js';
export * from './schedule.js';
export * from './titles.js';
export * from './registry.js';
export * from './compile.js';
export * from './engine.js';
export * from './validator.js';
export * from './mermaid.js';
export * from './validator-path.js';
