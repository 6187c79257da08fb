/**
 * The two ways a SQL connector uses its read-only session (one connection, one READ ONLY transaction,
 * a time limit per statement), the same for every database: once for one piece of work, or kept open
 * across calls (a run step's pages). Each connector brings how to open its session and how to turn a
 * driver error into the message a user sees; errors leave translated either way.
 */
export type SqlSession<Query> = { query: Query; close(): Promise<void> };

export type KeptSession<Query> = { run<T>(work: (query: Query) => Promise<T>): Promise<T>; close(): Promise<void> };

type SessionDriver<Query> = {
  open(): Promise<SqlSession<Query>>;
  translate(error: unknown): Error;
  signal?: AbortSignal;
};

/** Opens a session, runs `work` in it, closes it; an abort surfaces as the signal's reason. */
export async function withSession<Query, T>(driver: SessionDriver<Query>, work: (query: Query) => Promise<T>): Promise<T> {
  let session: SqlSession<Query> | undefined;
  try {
    session = await driver.open();
    const result = await work(session.query);
    const closing = session;
    session = undefined;
    await closing.close();
    return result;
  } catch (error) {
    await session?.close().catch(() => undefined);
    driver.signal?.throwIfAborted();
    throw driver.translate(error);
  }
}

/** Opens a session kept across calls; each `run` translates its errors, `close` never throws. */
export async function keepSession<Query>(driver: SessionDriver<Query>): Promise<KeptSession<Query>> {
  const translate = (error: unknown) => {
    driver.signal?.throwIfAborted();
    return driver.translate(error);
  };
  const session = await driver.open().catch((error: unknown) => {
    throw translate(error);
  });
  return {
    async run(work) {
      try {
        return await work(session.query);
      } catch (error) {
        throw translate(error);
      }
    },
    close: () => session.close().catch(() => undefined),
  };
}
