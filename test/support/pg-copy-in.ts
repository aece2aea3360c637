import type pg from 'pg';

/** The part of pg's Connection a submittable query writes with (pg does not export its type). */
interface PgWire {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` with the pg driver alone (pg answers CopyInResponse with CopyFail unless a
 * custom query object sends the data, which is what pg-copy-streams does): sends `chunks` as CopyData
 * messages, then CopyDone, and resolves with the server's command tag (`COPY <rows>`).
 */
export function copyIn(client: pg.Client, sql: string, chunks: readonly Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let tag = '';
    let failure: Error | undefined;
    const submittable = {
      submit(connection: PgWire) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: PgWire) {
        for (const chunk of chunks) connection.sendCopyFromChunk(chunk);
        connection.endCopyFrom();
      },
      handleCommandComplete(message: { text: string }) {
        tag = message.text;
      },
      handleError(error: Error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure !== undefined) reject(failure);
        else resolve(tag);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handleCopyData() {},
      handlePortalSuspended() {},
    };
    void client.query(submittable as unknown as pg.Submittable);
  });
}
