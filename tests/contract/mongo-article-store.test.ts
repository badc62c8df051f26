/**
 * The ArticleStore contract on MongoArticleStore, against whichever MongoDB-wire server the run uses: FerretDB v1
 * with the SQLite or the PostgreSQL handler (DATELINE_TEST_DB; CI runs both), or MONGODB_URI.
 */
import mongoose from 'mongoose';
import { MongoArticleStore } from '../../src/store/mongo-article-store';
import { testDatabaseUri } from '../helpers/test-db';
import { describeArticleStoreContract } from './article-store.contract';

const databases: string[] = [];
const freshDatabase = (): string => {
  const uri = testDatabaseUri('store');
  databases.push(uri);
  return uri;
};

describeArticleStoreContract('MongoArticleStore', () => MongoArticleStore.connect(freshDatabase()), {
  openPair: async () => {
    const uri = freshDatabase();
    const first = await MongoArticleStore.connect(uri); // creates the unique indexes before the second connects
    return [first, await MongoArticleStore.connect(uri)];
  },
});

afterAll(async () => {
  for (const uri of databases) {
    const conn = await mongoose.createConnection(uri).asPromise();
    try {
      await conn.dropDatabase();
    } finally {
      await conn.close();
    }
  }
});
