// The worker's public face, imported as '#worker': the module `npm start` runs inside the API process.
// Nothing else of the worker is imported from outside it.
export * from './worker.module.js';
