/**
 * Embedded FerretDB v1 — the zero-config MongoDB-wire server for development and tests.
 *
 * `startFerretDB()` spawns the server on 127.0.0.1 (a free port unless one is given), resolves once it answers a
 * `ping`, and rejects with the tail of its output if it exits or does not answer within 30 s. The child is killed
 * when this process exits, even if `stop()` was never called.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import mongoose from 'mongoose';
import {
  OUTPUT_TAIL_CHARS,
  describeExecError,
  ensureFerretDBBinary,
  execFileAsync,
  findRepoRoot,
} from './ferretdb-binary';

export { FERRETDB_VERSION, ensureFerretDBBinary, ferretDBBinaryPath } from './ferretdb-binary';

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface StartFerretDBOptions {
  handler: 'sqlite' | 'postgresql';
  /** SQLite handler: folder holding one file per database (created if missing). Default `<repo>/data`. */
  dataDir?: string;
  /** Absent or 0: a free port chosen by the OS. */
  port?: number;
  /** PostgreSQL handler: the database is created if it does not exist. */
  postgresqlUrl?: string;
  log?: (line: string) => void;
}

export interface RunningFerretDB {
  /** `mongodb://127.0.0.1:<port>/` — no database name; callers append one. */
  uri: string;
  port: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_POSTGRESQL_URL = 'postgres://postgres@127.0.0.1:5432/ferretdb';

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** Creates the PostgreSQL database named in `url` if it does not exist (psql/createdb on PATH). */
async function ensurePostgresDatabase(url: string, log: (line: string) => void): Promise<void> {
  const parsed = new URL(url);
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(dbName)) {
    throw new Error(`ferretdb: PostgreSQL database name must match [A-Za-z0-9_]+, got "${dbName}" in ${url}`);
  }
  const args = ['-h', parsed.hostname || '127.0.0.1', '-p', parsed.port || '5432'];
  if (parsed.username) args.push('-U', decodeURIComponent(parsed.username));
  const env = { ...process.env };
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  try {
    const { stdout } = await execFileAsync(
      'psql',
      [...args, '-d', 'postgres', '-tAc', `select 1 from pg_database where datname = '${dbName}'`],
      { env },
    );
    if (stdout.trim() === '1') return;
    log(`ferretdb: creating PostgreSQL database ${dbName}`);
    await execFileAsync('createdb', [...args, dbName], { env });
  } catch (err) {
    const text = describeExecError(err);
    if (/already exists/.test(text)) return; // another process created it first
    throw new Error(`ferretdb: could not prepare PostgreSQL database ${dbName} at ${url}: ${text}`);
  }
}

export async function startFerretDB(opts: StartFerretDBOptions): Promise<RunningFerretDB> {
  const log = opts.log ?? (() => {});
  const binary = await ensureFerretDBBinary(log);
  const port = opts.port && opts.port > 0 ? opts.port : await findFreePort();

  const args = [`--handler=${opts.handler}`];
  if (opts.handler === 'sqlite') {
    const dataDir = path.resolve(opts.dataDir ?? path.join(findRepoRoot(), 'data'));
    await fs.mkdir(dataDir, { recursive: true });
    args.push(`--sqlite-url=file:${dataDir}/`);
  } else if (opts.handler === 'postgresql') {
    const url = opts.postgresqlUrl ?? DEFAULT_POSTGRESQL_URL;
    await ensurePostgresDatabase(url, log);
    args.push(`--postgresql-url=${url}`);
  } else {
    throw new Error(`ferretdb: unknown handler "${String(opts.handler)}" (expected "sqlite" or "postgresql")`);
  }
  args.push(
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--state-dir=-',
    '--log-level=warn',
  );

  log(`ferretdb: starting ${opts.handler} handler on 127.0.0.1:${port}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
    child.once('error', (err) => {
      // spawn failure (e.g. ENOENT): no 'exit' follows
      keep(Buffer.from(`\nspawn error: ${err.message}\n`));
      resolve();
    });
  });
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  try {
    await waitUntilReady(child, port, exited, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`ferretdb: ready at mongodb://127.0.0.1:${port}/`);
  return { uri: `mongodb://127.0.0.1:${port}/`, port, stop };
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  exited: Promise<void>,
  outputTail: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let died = false;
  void exited.then(() => {
    died = true;
  });
  let lastError = '';
  while (!died) {
    if (Date.now() > deadline) {
      throw new Error(
        `ferretdb: not answering on 127.0.0.1:${port} after ${START_TIMEOUT_MS / 1000} s ` +
          `(last error: ${lastError || 'none'}); output:\n${outputTail()}`,
      );
    }
    try {
      await pingOnce(port, 2_000);
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
  }
  throw new Error(
    `ferretdb: exited during start-up (code ${child.exitCode}, signal ${child.signalCode}); output:\n${outputTail()}`,
  );
}
/** Resolves if the server on `port` answers a ping within `timeoutMs`. */
async function pingOnce(port: number, timeoutMs: number): Promise<void> {
  const connection = mongoose.createConnection(`mongodb://127.0.0.1:${port}/admin`, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await connection.asPromise();
    await connection.db!.admin().ping();
  } finally {
    await connection.close().catch(() => undefined);
  }
}
