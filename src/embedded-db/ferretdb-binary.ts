/**
 * The FerretDB v1 binary, built once from the Go module proxy into `<repo>/.tools/` (git-ignored) and reused.
 *
 * The module zip ships `build/version/version.txt` empty and the binary panics at start without it, so the source
 * is copied and the file written before `go build`. The binary is built under a unique temporary name and renamed
 * into place, so concurrent callers never see a half-written file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const OUTPUT_TAIL_CHARS = 4_000;

export function findRepoRoot(start: string = __dirname): string {
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

export function describeExecError(err: unknown): string {
  const e = err as { message?: string; stderr?: string; stdout?: string };
  const stderr = e.stderr?.trim();
  return [e.message, stderr].filter(Boolean).join('\n').slice(-OUTPUT_TAIL_CHARS);
}
