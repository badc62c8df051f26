import { Router } from 'express';
import { storableString } from '../contract/articles';
import { RelatedQuerySchema, SearchQuerySchema } from '../contract/related';
import type { RelatedStories } from '../articles/related-stories';
import { parseOr400 } from './parse';

const IdParamSchema = storableString().min(1).max(400);

/** "Similar News" and search; both read the in-memory index only. */
export function relatedRouter(related: RelatedStories): Router {
  const router = Router();

  router.get('/articles/:id/related', async (req, res) => {
    const id = parseOr400(IdParamSchema, req.params.id, 'id');
    const { limit } = parseOr400(RelatedQuerySchema, req.query, 'query');
    res.json({ items: await related.related(id, limit) });
  });

  router.get('/search', async (req, res) => {
    res.json({ items: await related.search(parseOr400(SearchQuerySchema, req.query, 'query')) });
  });

  return router;
}
