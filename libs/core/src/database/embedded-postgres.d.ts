export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster; kept across restarts. */
  dataDir: string;
  port: number;
  /** Database to create if missing (default `convene`). */
  database?: string;
  log?: (message: string) => void;
}

export declare function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle>;
