/** Proves the test database is real: it answers ping and enforces the unique _id index with E11000. */
import mongoose from 'mongoose';
import { assertTestDatabase, testDatabaseUri } from '../helpers/test-db';

describe('test database', () => {
  const uri = testDatabaseUri('setup');
  let conn: mongoose.Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  });

  afterAll(async () => {
    if (!conn) return;
    await conn.dropDatabase();
    await conn.close();
  });

  it('answers ping', async () => {
    const reply = await conn.db!.admin().ping();
    expect(reply.ok).toBe(1);
  });

  it('rejects a duplicate _id with code 11000', async () => {
    const probes = conn.db!.collection<{ _id: string; n: number }>('probes');
    await probes.insertOne({ _id: 'same', n: 1 });
    await expect(probes.insertOne({ _id: 'same', n: 2 })).rejects.toMatchObject({ code: 11000 });
    expect(await probes.countDocuments({ _id: 'same' })).toBe(1);
    expect((await probes.findOne({ _id: 'same' }))?.n).toBe(1);
  });

  it('refuses databases without "test" in their name', () => {
    expect(() => assertTestDatabase('mongodb://127.0.0.1:27017/dateline')).toThrow(/must contain "test"/);
    expect(() => assertTestDatabase(uri)).not.toThrow();
    expect(testDatabaseUri('x')).toMatch(/^mongodb:\/\/[^/?]+\/dateline_test_x_[a-z0-9]{6}(\?.*)?$/);
  });

  it('builds test URIs from MONGODB_URI, dropping its path and keeping its query', () => {
    const saved = process.env.MONGODB_URI;
    try {
      process.env.MONGODB_URI = 'mongodb://a:1,b:2/dateline?replicaSet=rs0';
      expect(testDatabaseUri('Store Contract')).toMatch(
        /^mongodb:\/\/a:1,b:2\/dateline_test_store_contract_[a-z0-9]{6}\?replicaSet=rs0$/,
      );
      delete process.env.MONGODB_URI;
      expect(() => testDatabaseUri('x')).toThrow(/MONGODB_URI is not set/);
    } finally {
      process.env.MONGODB_URI = saved;
    }
  });
});
