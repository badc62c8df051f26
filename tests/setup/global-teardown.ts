/** Jest global teardown: stops the FerretDB that global-setup started (if any) and removes its temp data. */
import * as fs from 'node:fs/promises';

/** Handed from global-setup to global-teardown: Jest runs both in one process, sharing globalThis. */
interface TestDatabaseState {
  stop(): Promise<void>;
  tempDir?: string;
}

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __datelineTestDb?: TestDatabaseState };
  const state = holder.__datelineTestDb;
  if (!state) return;
  holder.__datelineTestDb = undefined;
  try {
    await state.stop();
  } finally {
    if (state.tempDir) await fs.rm(state.tempDir, { recursive: true, force: true });
  }
}
