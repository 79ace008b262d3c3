/** SQL of support threads and messages. An asker's reads carry their user id in the query itself. */
import type { Knex } from 'knex';

export type ThreadStatus = 'open' | 'answered' | 'closed';

export interface ThreadRow {
  id: number;
  asker_user_id: number;
  subject: string;
  status: ThreadStatus;
  created_at: Date;
  last_message_at: Date;
  closed_at: Date | null;
  closed_by: number | null;
}

export interface ThreadListRow extends ThreadRow {
  asker_username: string;
  asker_display_name: string;
  message_count: number;
}

export interface MessageRow {
  id: number;
  thread_id: number;
  author_user_id: number;
  from_staff: boolean;
  body: string;
  created_at: Date;
  author_display_name: string;
}

export function createSupportRepository(db: Knex) {
  const base = (trx: Knex) =>
    trx('support_threads as t')
      .join('users as u', 'u.id', 't.asker_user_id')
      .select('t.*', 'u.username as asker_username', 'u.display_name as asker_display_name')
      .select(trx.raw('(select count(*) from support_messages m where m.thread_id = t.id)::int as message_count'));

  async function page(where: (q: Knex.QueryBuilder) => void, p: number, perPage: number) {
    const countQ = db('support_threads as t');
    where(countQ);
    const [count] = await countQ.count<{ n: number | string }[]>({ n: '*' });
    const q = base(db);
    where(q);
    const rows: ThreadListRow[] = await q
      .orderBy('t.last_message_at', 'desc')
      .orderBy('t.id', 'desc')
      .limit(perPage)
      .offset((p - 1) * perPage);
    return { rows, total: Number(count?.n ?? 0) };
  }

  return {
    /** One asker's threads only. */
    listForAsker: (userId: number, p: number, perPage: number) => page((q) => q.where('t.asker_user_id', userId), p, perPage),

    listForStaff: (status: ThreadStatus | 'all', p: number, perPage: number) =>
      page((q) => (status === 'all' ? q : q.where('t.status', status)), p, perPage),

    /** A thread, scoped to its asker when `askerId` is given (another user's id → undefined → 404). */
    find(id: number, askerId: number | null, trx: Knex = db): Promise<ThreadListRow | undefined> {
      const q = base(trx).where('t.id', id);
      if (askerId !== null) q.where('t.asker_user_id', askerId);
      return q.first();
    },

    lock(trx: Knex, id: number, askerId: number | null): Promise<ThreadRow | undefined> {
      const q = trx<ThreadRow>('support_threads').where({ id });
      if (askerId !== null) q.where('asker_user_id', askerId);
      return q.forUpdate().first();
    },

    messages(threadId: number): Promise<MessageRow[]> {
      return db('support_messages as m')
        .join('users as u', 'u.id', 'm.author_user_id')
        .where('m.thread_id', threadId)
        .select('m.*', 'u.display_name as author_display_name')
        .orderBy('m.created_at', 'asc')
        .orderBy('m.id', 'asc');
    },

    /** Staff who wrote in a thread (to tell them the asker replied). */
    staffAuthors(trx: Knex, threadId: number): Promise<number[]> {
      return trx('support_messages').where({ thread_id: threadId, from_staff: true }).distinct('author_user_id').pluck('author_user_id');
    },

    async insertThread(trx: Knex, askerId: number, subject: string, at: Date): Promise<ThreadRow> {
      const [row] = await trx<ThreadRow>('support_threads')
        .insert({ asker_user_id: askerId, subject, status: 'open', created_at: at, last_message_at: at })
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row as ThreadRow;
    },

    async insertMessage(trx: Knex, m: { thread_id: number; author_user_id: number; from_staff: boolean; body: string; created_at: Date }) {
      const [row] = await trx('support_messages').insert(m).returning('*');
      return row as Omit<MessageRow, 'author_display_name'>;
    },

    setStatus(trx: Knex, id: number, status: ThreadStatus, at: Date, closedBy: number | null = null): Promise<number> {
      return trx('support_threads')
        .where({ id })
        .update({
          status,
          last_message_at: status === 'closed' ? trx.raw('last_message_at') : at,
          closed_at: status === 'closed' ? at : null,
          closed_by: status === 'closed' ? closedBy : null,
        });
    },
  };
}

export type SupportRepository = ReturnType<typeof createSupportRepository>;
