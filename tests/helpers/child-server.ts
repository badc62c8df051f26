/**
 * The real server as a child process (`node --import tsx src/main.ts`), for tests that kill it or run several.
 * Every child is SIGKILLed by `killChildren()` (call it in afterAll) and when the test worker exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { TEST_JWT_SECRET } from './server';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OUTPUT_TAIL_CHARS = 8_000;

export interface ChildServer {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  /** The tail of the child's stdout and stderr. */
  output(): string;
}

const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killChildren);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server on `mongodbUri` (plus `env`) on a free port and resolves once /readyz answers 200; a port
 * taken between picking and listening is retried.
 */
export async function startChildServer(
  mongodbUri: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 40_000,
): Promise<ChildServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        MONGODB_URI: mongodbUri,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        WRITES_PER_MINUTE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let dead = false;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        dead = true;
        children.delete(child);
        resolve();
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + readyTimeoutMs;
    while (!dead && Date.now() < deadline) {
      try {
        const res = await fetch(`${url}/readyz`);
        await res.arrayBuffer();
        if (res.status === 200) return { child, url, exited, output: () => output };
      } catch {
        // not listening yet
      }
      await Promise.race([sleep(40), exited]);
    }
    child.kill('SIGKILL');
    await exited;
    if (dead && /EADDRINUSE/.test(output) && attempt < 3) continue; // someone took the port we picked
    throw new Error(`server did not become ready (${dead ? 'it exited' : 'timeout'}); output:\n${output}`);
  }
}
