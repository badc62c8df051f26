/**
 * Jest global setup: provides MONGODB_URI to every worker.
 * - MONGODB_URI already set: used as is, nothing is started.
 * - otherwise: an embedded FerretDB with the handler named by DATELINE_TEST_DB (`sqlite`, the default, or
 *   `postgresql`); SQLite data lives in a fresh temp folder, PostgreSQL in database `dateline_ferretdb_test`.
 * Test files then pick a database of their own with tests/helpers/test-db.ts.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFerretDB } from '../../src/embedded-db/ferretdb';

/** Handed from global-setup to global-teardown: Jest runs both in one process, sharing globalThis. */
interface TestDatabaseState {
  stop(): Promise<void>;
  tempDir?: string;
}

const PG_TEST_URL = 'postgres://postgres@127.0.0.1:5432/dateline_ferretdb_test';

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    console.log(`\n[test-db] using MONGODB_URI from the environment: ${redact(process.env.MONGODB_URI)}`);
    return;
  }
  const handler = process.env.DATELINE_TEST_DB || 'sqlite';
  if (handler !== 'sqlite' && handler !== 'postgresql') {
    throw new Error(`DATELINE_TEST_DB must be "sqlite" or "postgresql" (or unset for sqlite), got "${handler}"`);
  }
  const tempDir = handler === 'sqlite' ? await fs.mkdtemp(path.join(os.tmpdir(), 'dateline-test-ferretdb-')) : undefined;
  try {
    const db = await startFerretDB({
      handler,
      dataDir: tempDir,
      postgresqlUrl: handler === 'postgresql' ? PG_TEST_URL : undefined,
      // build and database-creation progress only; the one summary line below names handler and URI
      log: (line) => {
        if (!/^ferretdb: (starting|ready)/.test(line)) console.log(`[test-db] ${line}`);
      },
    });
    const state: TestDatabaseState = { stop: db.stop, tempDir };
    (globalThis as { __datelineTestDb?: TestDatabaseState }).__datelineTestDb = state;
    process.env.MONGODB_URI = db.uri;
    console.log(`\n[test-db] FerretDB ${handler} handler at ${db.uri}`);
  } catch (err) {
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
    throw err;
  }
}

function redact(uri: string): string {
  return uri.replace(/\/\/([^@/]*)@/, '//***@');
}
