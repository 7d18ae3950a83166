import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { toStoreError, unavailable } from './errors.js';

/** One query: SQL text with `$n` placeholders and its values. Never a value inside `text`. */
export interface Statement {
  readonly text: string;
  readonly values?: readonly unknown[] | undefined;
}

/** A client checked out for one operation: run statements on it. */
export interface Session {
  query<R extends QueryResultRow = QueryResultRow>(statement: Statement): Promise<R[]>;
}

/** What the store and the directory need from the database: bounded, fail-closed execution. */
export interface Database {
  /** Runs `work` on one pooled client, the whole of it bounded by the timeout. */
  run<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in a transaction (READ COMMITTED) with `statement_timeout` and `lock_timeout`
   * set to the timeout, so the server gives up too; COMMIT on success, ROLLBACK otherwise.
   */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
}

/** Pools the store has put its no-op `error` listener on (one per pool, however many stores). */
const listening = new WeakSet<Pool>();

/**
 * Wraps a pool with bounded, fail-closed execution:
 * - checking out a client, and every operation on it, is bounded by `timeoutMs` on our side
 *   (whatever the pool's own `connectionTimeoutMillis`); past it the call rejects with
 *   `ERR_STORE_UNAVAILABLE` and the client is destroyed rather than returned to the pool;
 * - a client whose connection failed is destroyed (`release(error)`), so the pool opens a fresh
 *   one on the next call: recovery needs no restart;
 * - an idle pooled client whose connection dies makes `pg.Pool` emit `error`; without a listener
 *   Node would crash the process, so a no-op listener is added once per pool (the pool already
 *   drops the dead client).
 */
export function createDatabase(pool: Pool, timeoutMs: number): Database {
  if (!listening.has(pool)) {
    listening.add(pool);
    pool.on('error', () => {});
  }

  async function checkout(deadline: number): Promise<PoolClient> {
    let timedOut = false;
    const connecting = pool.connect();
    return new Promise<PoolClient>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          timedOut = true;
          reject(unavailable(new Error('connection timed out')));
        },
        Math.max(1, deadline - Date.now()),
      );
      timer.unref?.();
      connecting.then(
        (client) => {
          clearTimeout(timer);
          // Too late: the caller has given up; do not hand a half-trusted client back to the pool.
          if (timedOut) client.release(true);
          else resolve(client);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(toStoreError(error));
        },
      );
    });
  }

  async function run<T>(work: (session: Session) => Promise<T>, inTransaction = false): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const client = await checkout(deadline);
    let broken: unknown = undefined;
    // A connection that dies while checked out makes the client emit `error` (pg-pool listens only
    // on idle clients): without a listener Node would crash the process. Mark it broken instead.
    const onError = (error: unknown): void => {
      broken ??= error;
    };
    client.on('error', onError);
    const session: Session = {
      async query<R extends QueryResultRow>(statement: Statement): Promise<R[]> {
        const result = await client.query<R>({ text: statement.text, values: statement.values as unknown[] | undefined });
        return result.rows;
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(new Error('query timed out'))), Math.max(1, deadline - Date.now()));
      timer.unref?.();
    });
    const body = async (): Promise<T> => {
      if (!inTransaction) return work(session);
      // The timeout is an integer validated at construction: no value of a caller's in this text.
      await client.query(`BEGIN; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL lock_timeout = ${timeoutMs}`);
      try {
        const value = await work(session);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError;
        });
        throw error;
      }
    };
    try {
      return await Promise.race([body(), timeout]);
    } catch (error) {
      const mapped = toStoreError(error);
      // Anything but a plain SQL error of a finished statement: the connection is not to be reused.
      if (broken === undefined && (mapped as { code?: unknown }).code === 'ERR_STORE_UNAVAILABLE') broken = error;
      throw mapped;
    } finally {
      clearTimeout(timer);
      if (broken === undefined) {
        client.removeListener('error', onError);
        client.release();
      } else {
        // Destroyed, not returned: the listener stays for the last events of the dying socket.
        client.release(true);
      }
    }
  }

  return {
    run: (work) => run(work, false),
    transaction: (work) => run(work, true),
  };
}
