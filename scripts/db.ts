/**
 * `npm run db`: runs the embedded FerretDB (SQLite handler) in the foreground.
 *   DATA_DIR  data folder (default ./data)
 *   DB_PORT   port (default 27017, or a free port if 27017 is taken; 0 = any free port)
 * Prints MONGODB_URI for the app; Ctrl-C / SIGTERM stops the server cleanly.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { startFerretDB } from '../src/embedded-db/ferretdb';

const DEFAULT_PORT = 27017;

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort(): Promise<number> {
  const raw = process.env.DB_PORT;
  if (raw !== undefined && raw !== '') {
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`DB_PORT must be an integer 0..65535, got "${raw}"`);
    }
    return port;
  }
  if (await isPortFree(DEFAULT_PORT)) return DEFAULT_PORT;
  console.log(`db: port ${DEFAULT_PORT} is taken, using a free port`);
  return 0;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.DATA_DIR || 'data');
  const db = await startFerretDB({
    handler: 'sqlite',
    dataDir,
    port: await choosePort(),
    log: (line) => console.log(line),
  });
  console.log(`db: FerretDB (SQLite) data in ${dataDir}`);
  console.log(`MONGODB_URI=${db.uri}dateline`);
  console.log('db: Ctrl-C to stop');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`db: ${signal}, stopping FerretDB`);
    db.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
