/**
 * SQL of the name searches' shared rule (src/lib/search-terms.ts, Knex only): the words of a query as the database
 * folds and splits them, and the vocabulary words that may stand for a query word with a typo (table search_words,
 * migration 20261231002400_search_word_typos).
 */
import type { Knex } from 'knex';
import { isFuzzyWord, MAX_QUERY_WORDS, type SearchTerm, stepTsquery, typoSteps, typoTerms } from '../lib/search-terms.js';

export function createSearchTermsRepository(db: Knex) {
  return {
    /** The query's words as the names' tsvectors hold them (f_unaccent, 'simple' parser), the first 8 in query order. */
    async words(q: string): Promise<string[]> {
      const res = await db.raw<{ rows: Array<{ lexeme: string }> }>(
        "SELECT t.lexeme FROM unnest(to_tsvector('simple', f_unaccent(?))) AS t ORDER BY t.positions[1] LIMIT ?",
        [q, MAX_QUERY_WORDS],
      );
      return res.rows.map((r) => r.lexeme);
    },

    /**
     * The words with their alternatives one slip away in the vocabulary: the candidates sharing a deletion key with
     * a word (GIN index on search_words.keys, one statement for all the words), kept when really one slip away.
     */
    async typoTerms(words: readonly string[]): Promise<SearchTerm[]> {
      const fuzzy = words.filter(isFuzzyWord);
      if (fuzzy.length === 0) return typoTerms(words, []);
      const res = await db.raw<{ rows: Array<{ word: string }> }>(
        `SELECT s.word FROM search_words s
          WHERE s.keys && ARRAY(SELECT DISTINCT k FROM unnest(?::text[]) AS w, unnest(search_word_keys(w)) AS k)`,
        [fuzzy],
      );
      return typoTerms(
        words,
        res.rows.map((r) => r.word),
      );
    },

    /**
     * The tsqueries of the typo search's steps (one word corrected, then every word), to try in turn; none when no
     * word has an alternative (it finds nothing more).
     */
    async typoTsqueries(words: readonly string[]): Promise<string[]> {
      return typoSteps(await this.typoTerms(words)).map(stepTsquery);
    },
  };
}

export type SearchTermsRepository = ReturnType<typeof createSearchTermsRepository>;
