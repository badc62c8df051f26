/**
 * Per-suite test databases on the server named by MONGODB_URI (set by tests/setup/global-setup.ts).
 * Tests refuse to touch a database whose name does not say "test".
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomSuffix(length = 6): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** Splits a mongodb URI into `scheme://authority`, the database path (without '/'), and `?query` (or ''). */
function splitMongoUri(uri: string): { base: string; database: string; query: string } {
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd < 0 || !/^mongodb(\+srv)?$/.test(uri.slice(0, schemeEnd))) {
    throw new Error(`not a mongodb:// URI: ${uri}`);
  }
  const rest = uri.slice(schemeEnd + 3);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  const queryStart = tail.indexOf('?');
  const pathPart = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const query = queryStart < 0 ? '' : tail.slice(queryStart);
  return {
    base: `${uri.slice(0, schemeEnd)}://${authority}`,
    database: decodeURIComponent(pathPart.replace(/^\//, '')),
    query: query === '?' ? '' : query,
  };
}

/**
 * A fresh database URI on the test server: `dateline_test_<label>_<6 random chars>`, keeping the query string of
 * MONGODB_URI and dropping its database path. Throws if MONGODB_URI is not set.
 */
export function testDatabaseUri(label: string): string {
  const from = process.env.MONGODB_URI;
  if (!from) throw new Error('MONGODB_URI is not set: run tests through jest (tests/setup/global-setup.ts sets it)');
  const { base, query } = splitMongoUri(from);
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 30);
  const uri = `${base}/dateline_test_${safeLabel}_${randomSuffix()}${query}`;
  assertTestDatabase(uri);
  return uri;
}

/** Throws unless the URI names a database whose name contains "test". */
export function assertTestDatabase(uri: string): void {
  const { database } = splitMongoUri(uri);
  if (!database.toLowerCase().includes('test')) {
    throw new Error(`refusing to use database "${database || '(none)'}" in tests: its name must contain "test"`);
  }
}
