/**
 * The statement the proxy sends in place of one that pg_error fails: a DO block that raises the
 * chosen SQLSTATE and message. PostgreSQL itself then reports the error, aborts the transaction block
 * exactly as it aborts one on a real failure (later statements get 25P02 until ROLLBACK), skips to Sync
 * in the extended protocol and answers ReadyForQuery with the true status, so the client's view and
 * the server's state never diverge.
 */
export function raiseStatement(sqlstate: string, message: string): string {
  let tag = '$stresslab$';
  for (let i = 1; message.includes(tag); i++) tag = `$stresslab${i}$`;
  const literal = `'${message.replaceAll("'", "''")}'`;
  return `DO ${tag}BEGIN RAISE EXCEPTION USING ERRCODE = '${sqlstate}', MESSAGE = ${literal}; END${tag}`;
}
