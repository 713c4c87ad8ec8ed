/** Pure tools for administering pathway definitions: diff, diagram, Stately import, migration planning. */
export * from './diff.js';
export * from './svg.js';
export * from './stately-import.js';
export * from './migration-plan.js';
export * from './migration-snapshot.js';
export { buildStateTree, leafIdsOfValue, valueOfLeafIds, type StateNodeView, type StateTree } from './state-tree.js';
export { definitionFile } from './definition-file.js';
export * from './json-value.js';
