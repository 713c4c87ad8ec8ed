export declare const root: string;
/** Compiles the server (tsc, incremental) into dist/ when a source is newer than the last build. */
export declare function buildServer(): void;
/** Builds the browser app (Vite) into apps/web/dist when a source is newer. Returns false on failure. */
export declare function buildWeb(): boolean;
