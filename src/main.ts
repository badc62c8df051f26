import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { signToken } from './auth/tokens';
import { ConfigError, loadConfig, toAppConfig } from './config';
import { startFerretDB, type RunningFerretDB } from './embedded-db/ferretdb';

/** Reads config, starts the embedded database when no MONGODB_URI is given, serves, stops cleanly. */
async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: RunningFerretDB | undefined;
  let mongodbUri = config.MONGODB_URI;
  if (!mongodbUri) {
    console.log(`no MONGODB_URI: starting the embedded FerretDB (SQLite in ${config.DATA_DIR})`);
    embedded = await startFerretDB({ handler: 'sqlite', dataDir: config.DATA_DIR, port: config.DB_PORT, log: console.log });
    mongodbUri = `${embedded.uri}dateline`;
  }
  let jwtSecret = config.JWT_SECRET;
  if (!jwtSecret) {
    jwtSecret = randomBytes(32).toString('base64url');
    const token = signToken({ sub: 'dev-editor', role: 'editor' }, jwtSecret);
    console.log(`no JWT_SECRET: generated one for this run. An editor token:\n  Authorization: Bearer ${token}`);
  }

  const app = await createApp(toAppConfig(config, { mongodbUri, jwtSecret }));
  await new Promise<void>((resolve) => app.httpServer.listen(config.PORT, resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  app.logger.info({ port, database: embedded ? 'embedded FerretDB' : 'MONGODB_URI' }, `Dateline listening on :${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
