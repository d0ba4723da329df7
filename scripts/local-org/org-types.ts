// The local org as the server uses it: the host API of tools/apex-runtime/src/host, as the
// contract between the two describes it. A copy on purpose, not a type import: see host.ts.
export interface LocalOrgOptions {
  root: string;
  packageDirs: string[];
  stateDir: string;
  reset?: boolean;
  speed?: number;
  namedCredentialUrls: Record<string, string>;
  credentialSecrets?: Record<string, string>;
  log?: (line: string) => void;
  /** Where the parsed project is cached (keyed on content), shared by several state dirs. */
  cacheDir?: string;
}

export interface LocalUser {
  id: string;
  username: string;
  name: string;
  rinkelUserId?: string | null;
}

export interface LocalOrg {
  readonly users: { admin: LocalUser; agent: LocalUser; integration: LocalUser; guest: LocalUser };
  readonly secrets: { webhookSecret: string; lookupToken: string; generatedNow: boolean };
  readonly timings: { totalMs: number; parseMs: number; loadMs: number; fromCache: boolean };
  readonly weborders: {
    id: string;
    name: string;
    phone: string;
    e164: string | null;
    status?: string;
  }[];
  rest(req: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: Buffer;
    remoteAddress?: string;
  }): Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;
  aura(
    username: string,
    className: string,
    method: string,
    params: Record<string, unknown>
  ): Promise<
    | { ok: true; value: unknown }
    | { ok: false; error: { message: string; exceptionType: string; status: number } }
  >;
  query(soql: string): Promise<Record<string, unknown>[]>;
  onEvent(
    listener: (message: {
      channel: string;
      data: { payload: Record<string, unknown>; event: { replayId: number } };
    }) => void
  ): () => void;
  onCommit(listener: (info: { kind: string; objects: string[] }) => void): () => void;
  settle(): Promise<void>;
  status(): Promise<{
    queued: number;
    scheduled: { name: string; nextRun: string }[];
    eventsPending: number;
    clock: string;
  }>;
  close(): Promise<void>;
}

export type StartLocalOrg = (options: LocalOrgOptions) => Promise<LocalOrg>;
