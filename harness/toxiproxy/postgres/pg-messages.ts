/**
 * The few PostgreSQL messages the proxy reads or writes, by their wire layout (protocol 3.0,
 * https://www.postgresql.org/docs/current/protocol-message-formats.html). Readers take a whole
 * message, header included, as the framer hands it over.
 */

/** Message type bytes, by the names the protocol documentation uses. */
export const pgType = {
  // client → server
  query: 0x51, // 'Q'
  parse: 0x50, // 'P'
  bind: 0x42, // 'B'
  execute: 0x45, // 'E'
  sync: 0x53, // 'S'
  functionCall: 0x46, // 'F'
  // server → client
  parseComplete: 0x31, // '1'
  bindComplete: 0x32, // '2'
  commandComplete: 0x43, // 'C'
  errorResponse: 0x45, // 'E'
  readyForQuery: 0x5a, // 'Z'
} as const;

/** ReadyForQuery's transaction status: idle, in a transaction block, in a failed transaction block. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** The protocol 3.0 StartupMessage code (major 3, minor 0); minor versions above 0 are 3.x too. */
export function isStartupMessage(message: Buffer): boolean {
  return message.length >= 8 && message.readUInt16BE(4) === 3;
}

/** A NUL-terminated string at `offset`; returns it and the offset after its NUL. */
function cString(message: Buffer, offset: number): [string, number] {
  const end = message.indexOf(0, offset);
  const stop = end < 0 ? message.length : end;
  return [message.toString('utf8', offset, stop), stop + 1];
}

/** Query: the SQL text. */
export function readQuery(message: Buffer): string {
  return cString(message, 5)[0];
}

/** Parse: the prepared statement's name ('' = unnamed) and its SQL text. */
export function readParse(message: Buffer): { statement: string; text: string } {
  const [statement, next] = cString(message, 5);
  return { statement, text: cString(message, next)[0] };
}

/** Bind: the portal it creates and the statement it binds. */
export function readBind(message: Buffer): { portal: string; statement: string } {
  const [portal, next] = cString(message, 5);
  return { portal, statement: cString(message, next)[0] };
}

/** Execute: the portal it runs. */
export function readExecute(message: Buffer): string {
  return cString(message, 5)[0];
}

/** ReadyForQuery's status byte; anything unexpected counts as idle. */
export function readTransactionStatus(message: Buffer): TransactionStatus {
  const status = String.fromCharCode(message[5] ?? 0x49);
  return status === 'T' || status === 'E' ? status : 'I';
}

function message(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const nul = Buffer.from([0]);
const cstr = (text: string) => Buffer.concat([Buffer.from(text, 'utf8'), nul]);

/** An ErrorResponse with the fields a client reads: severity (localized and not), SQLSTATE, message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlstate: string, text: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${sqlstate}`, `M${text}`].map(cstr);
  return message(pgType.errorResponse, Buffer.concat([...fields, nul]));
}

export function queryMessage(text: string): Buffer {
  return message(pgType.query, cstr(text));
}

/** Parse into the unnamed statement, with no parameter types. */
export function parseMessage(text: string): Buffer {
  return message(pgType.parse, Buffer.concat([cstr(''), cstr(text), Buffer.from([0, 0])]));
}

/** Bind the unnamed statement to the unnamed portal: no parameters, all results in text format. */
export function bindMessage(): Buffer {
  return message(pgType.bind, Buffer.concat([cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 0, 0])]));
}

/** Execute the unnamed portal, all rows. */
export function executeMessage(): Buffer {
  return message(pgType.execute, Buffer.concat([cstr(''), Buffer.from([0, 0, 0, 0])]));
}

/** The one-byte answer to SSLRequest and GSSENCRequest: "not supported, go on in plain text". */
export const encryptionRefused = Buffer.from('N');
