/**
 * Embedded FerretDB v1 — the zero-config MongoDB-wire server for development and tests.
 *
 * Contract:
 * - `ensureFerretDBBinary()` returns the path of `<repo>/.tools/ferretdb-<version>/ferretdb`, building it from the
 *   Go module proxy when missing. The module zip ships `build/version/version.txt` empty and the binary panics at
 *   start without it, so the source is copied and the file written before `go build`. The binary is built under a
 *   unique temporary name and renamed into place, so concurrent callers never see a half-written file.
 * - `startFerretDB()` spawns the server on 127.0.0.1 (a free port unless one is given), resolves once it answers a
 *   `ping` on the wire, and rejects with the tail of its output if it exits or does not answer within 30 s.
 *   The child is killed when this process exits, even if `stop()` was never called.
 *
 * Node built-ins only: the readiness probe speaks OP_MSG itself, so this file has no driver dependency.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

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

function findRepoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`embedded-db: no package.json found above ${start}`);
    dir = parent;
  }
}

function findGo(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error('embedded-db: Go is needed to build FerretDB but `go` is neither on PATH nor at /usr/local/go/bin/go');
}

export function ferretDBBinaryPath(): string {
  return path.join(findRepoRoot(), '.tools', `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

let building: Promise<string> | undefined;

export async function ensureFerretDBBinary(log: (line: string) => void = () => {}): Promise<string> {
  const target = ferretDBBinaryPath();
  if (existsSync(target)) return target;
  // One build per process; across processes the atomic rename keeps the result whole.
  building ??= buildFerretDB(target, log).finally(() => {
    building = undefined;
  });
  return building;
}

async function buildFerretDB(target: string, log: (line: string) => void): Promise<string> {
  const go = findGo();
  const started = Date.now();
  log(`ferretdb: building ${FERRETDB_MODULE}@${FERRETDB_VERSION} with ${go} (about 2 min cold, seconds warm)`);

  const goEnv = { ...process.env };
  let moduleDir: string;
  try {
    const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      cwd: os.tmpdir(),
      env: goEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
    if (info.Error || !info.Dir) throw new Error(info.Error ?? 'no "Dir" in go mod download output');
    moduleDir = info.Dir;
  } catch (err) {
    throw new Error(`ferretdb: go mod download failed: ${describeExecError(err)}`);
  }
  log(`ferretdb: module source at ${moduleDir}`);

  const buildRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'dateline-ferretdb-build-'));
  const targetDir = path.dirname(target);
  await fs.mkdir(targetDir, { recursive: true });
  // Same folder as the target, so the final rename is atomic on one filesystem.
  const tmpBinary = path.join(targetDir, `.ferretdb.${process.pid}.${Date.now()}.tmp`);
  try {
    const src = path.join(buildRoot, 'src');
    await fs.cp(moduleDir, src, { recursive: true });
    await makeUserWritable(src);
    await fs.writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    log('ferretdb: go build ./cmd/ferretdb');
    try {
      await execFileAsync(go, ['build', '-buildvcs=false', '-o', tmpBinary, './cmd/ferretdb'], {
        cwd: src,
        env: goEnv,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      throw new Error(`ferretdb: go build failed: ${describeExecError(err)}`);
    }
    await fs.chmod(tmpBinary, 0o755);
    await fs.rename(tmpBinary, target);
  } finally {
    await fs.rm(tmpBinary, { force: true });
    await fs.rm(buildRoot, { recursive: true, force: true });
  }
  log(`ferretdb: built ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}

/** Module cache files are read-only; `chmod -R u+w` so the copy can be edited and later removed. */
async function makeUserWritable(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  await fs.chmod(dir, 0o755);
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeUserWritable(p);
    else if (entry.isFile()) {
      const { mode } = await fs.stat(p);
      await fs.chmod(p, mode | 0o200);
    }
  }
}

function describeExecError(err: unknown): string {
  const e = err as { message?: string; stderr?: string; stdout?: string };
  const stderr = e.stderr?.trim();
  return [e.message, stderr].filter(Boolean).join('\n').slice(-OUTPUT_TAIL_CHARS);
}

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

/**
 * Sends `{ ping: 1, $db: "admin" }` as an OP_MSG and resolves if the reply says ok: 1.
 * Enough of the wire protocol to know the server (and, on PostgreSQL, its backend) answers.
 */
export function pingOnce(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => finish(new Error('ping timed out')));
    socket.once('error', (err) => finish(err));
    socket.once('connect', () => socket.write(encodePingMessage()));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const length = received.readInt32LE(0);
      if (received.length < length) return;
      try {
        const ok = readOkFromReply(received.subarray(0, length));
        finish(ok === 1 ? undefined : new Error(`ping answered ok: ${ok}`));
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.once('close', () => finish(new Error('connection closed before a reply')));
  });
}

const OP_MSG = 2013;

function encodePingMessage(): Buffer {
  const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const dbValue = Buffer.from('admin', 'utf8');
  const elements = Buffer.concat([
    Buffer.from([0x10]), cstring('ping'), int32(1),
    Buffer.from([0x02]), cstring('$db'), int32(dbValue.length + 1), dbValue, Buffer.from([0]),
  ]);
  const doc = Buffer.concat([int32(elements.length + 5), elements, Buffer.from([0])]);
  const body = Buffer.concat([int32(0) /* flagBits */, Buffer.from([0]) /* section kind 0 */, doc]);
  const header = Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(OP_MSG)]);
  return Buffer.concat([header, body]);
}

function readOkFromReply(msg: Buffer): number | undefined {
  if (msg.readInt32LE(12) !== OP_MSG) throw new Error(`unexpected reply opcode ${msg.readInt32LE(12)}`);
  if (msg[20] !== 0) throw new Error('unexpected reply section kind');
  const docStart = 21;
  const docEnd = docStart + msg.readInt32LE(docStart) - 1;
  let i = docStart + 4;
  while (i < docEnd) {
    const type = msg[i]!;
    const nameEnd = msg.indexOf(0, i + 1);
    const name = msg.toString('utf8', i + 1, nameEnd);
    i = nameEnd + 1;
    if (name === 'ok') {
      if (type === 0x01) return msg.readDoubleLE(i);
      if (type === 0x10) return msg.readInt32LE(i);
      if (type === 0x12) return Number(msg.readBigInt64LE(i));
      if (type === 0x08) return msg[i] ? 1 : 0;
    }
    i += bsonValueSize(msg, type, i);
  }
  return undefined;
}

function bsonValueSize(msg: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8; // double, datetime, timestamp, int64
    case 0x02: case 0x0d: case 0x0e: return 4 + msg.readInt32LE(at); // string, js code, symbol
    case 0x03: case 0x04: case 0x0f: return msg.readInt32LE(at); // document, array, code w/ scope
    case 0x05: return 5 + msg.readInt32LE(at); // binary
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0; // undefined, null, max/min key
    case 0x07: return 12; // ObjectId
    case 0x08: return 1;
    case 0x0b: { // regex: two cstrings
      const first = msg.indexOf(0, at);
      return msg.indexOf(0, first + 1) + 1 - at;
    }
    case 0x10: return 4;
    case 0x13: return 16; // decimal128
    default: throw new Error(`unsupported BSON type 0x${type.toString(16)} in ping reply`);
  }
}
