// Builds (or finds) the project-local FerretDB binary: `npm run ferretdb:build`.
import { ensureFerretDBBinary } from '../src/embedded-db/ferretdb';

ensureFerretDBBinary((line) => console.log(line))
  .then((binary) => console.log(`ferretdb: binary ready at ${binary}`))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
