import type { Socket } from 'node:net';
import { num, text } from '../toxic-attribute.ts';
import type { Writable } from 'node:stream';
import type { Rng } from '../../core/seeded-rng.ts';
import { interruptibleSleep } from '../interruptible-sleep.ts';
import type { ToxicDefinition } from '../toxic-definition.ts';
import { messageFor } from '../toxics/pg-attributes.ts';
import type { ProtocolToxicType } from '../toxics/index.ts';
import type { ProtocolFaultCounters } from '../protocol-fault-counters.ts';
import { raiseStatement } from './pg-fault-sql.ts';
import { gssEncRequestCode, PgFramer, rawBytes, sslRequestCode, untypedMessage } from './pg-framer.ts';
import type { PgPiece } from './pg-framer.ts';
import { SocketOutbox } from '../socket-outbox.ts';
import { Fifo } from './fifo.ts';
import { sessionSink } from '../session-sink.ts';
import {
  bindMessage,
  encryptionRefused,
  errorResponse,
  executeMessage,
  isStartupMessage,
  parseMessage,
  pgType,
  queryMessage,
  readBind,
  readExecute,
  readParse,
  readQuery,
  readTransactionStatus,
} from './pg-messages.ts';
import type { TransactionStatus } from './pg-messages.ts';
import { isCommitMatch, statementMatcher } from './pg-statement.ts';
import type { StatementMatcher } from './pg-statement.ts';

export interface PgSessionOptions {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly random: Rng;
  /** The proxy's current toxics, read at every decision so that changes reach live sessions at once. */
  toxics(): readonly ToxicDefinition[];
  readonly counters: ProtocolFaultCounters;
  /** Loses the connection: what was written to the client is delivered, then both sides close. */
  close(): void;
}

/**
 * What the server still owes for a client message that gets exactly one of ParseComplete,
 * BindComplete or ReadyForQuery, in the order the messages were sent. `fault-*` entries are messages
 * the proxy sent in place of the client's; their answers are dropped, or (`error`) replaced.
 */
interface Owed {
  readonly kind: 'parse' | 'bind' | 'fault-parse' | 'fault-bind' | 'fault-commit' | 'sync' | 'query';
  /** The ErrorResponse to send instead of the CommandComplete of a COMMIT the proxy turned into ROLLBACK. */
  readonly error?: Buffer;
}

interface Fault {
  readonly commit: boolean;
  readonly sqlstate: string;
  readonly message: string;
}

/** Types read whole; every other message passes in pieces as it arrives (postgres/pg-framer.ts). */
const clientWhole = new Set<number>([pgType.query, pgType.parse, pgType.bind, pgType.execute, pgType.sync, pgType.functionCall]);
const serverWhole = new Set<number>([
  pgType.parseComplete,
  pgType.bindComplete,
  pgType.commandComplete,
  pgType.errorResponse,
  pgType.readyForQuery,
]);

const matchers = new WeakMap<ToxicDefinition, StatementMatcher>();

function matcherOf(toxic: ToxicDefinition): StatementMatcher {
  let matcher = matchers.get(toxic);
  if (matcher === undefined) {
    matcher = statementMatcher(text(toxic, 'match'));
    matchers.set(toxic, matcher);
  }
  return matcher;
}


/**
 * One connection of a `"protocol": "postgres"` proxy: frames both directions, follows the
 * transaction status the server reports in ReadyForQuery, and applies the pg_* toxics to statements.
 *
 * The proxy never answers a statement on the server's behalf: a failed statement is replaced by one
 * that makes PostgreSQL raise the chosen error (pg-fault-sql.ts), so the transaction is aborted on the
 * server as it is for the client, and ROLLBACK, Sync and ReadyForQuery stay the server's own. The one
 * rewrite is a failed COMMIT: the server is sent ROLLBACK, and its CommandComplete is replaced by the
 * ErrorResponse, which is what PostgreSQL answers to a COMMIT that fails (the transaction is over).
 *
 * `toServer` and `toClient` are where the connection's two links write (after their TCP toxics).
 */
export class PgSession {
  readonly toServer: Writable;
  readonly toClient: Writable;
  private readonly fromClient = new PgFramer({ startup: true, whole: clientWhole });
  private readonly fromServer = new PgFramer({ startup: false, whole: serverWhole });
  private readonly owed = new Fifo<Owed>();
  private status: TransactionStatus = 'I';
  /** Statements answered inside the open transaction block, BEGIN not counted. */
  private statementsInTransaction = 0;
  /** pg_drop_in_transaction's roll, once per toxic per transaction block. */
  private readonly dropRolls = new Map<string, boolean>();
  /** pg_drop_in_transaction cut an autocommitted statement: its answer is dropped and the connection lost at its ReadyForQuery. */
  private losingAnswer = false;
  /** After a fault in the extended protocol the client's messages are dropped until Sync, as PostgreSQL does. */
  private skippingToSync = false;
  private readonly statements = new Map<string, string>();
  private readonly portals = new Map<string, { text: string; executed: boolean }>();
  private readonly interrupt = new AbortController();
  private closed = false;
  private readonly toServerOut: SocketOutbox;
  private readonly toClientOut: SocketOutbox;

  constructor(private readonly options: PgSessionOptions) {
    this.toServerOut = new SocketOutbox(options.upstream);
    this.toClientOut = new SocketOutbox(options.client);
    this.toServer = sessionSink(options.upstream, (chunk) => this.onClientBytes(chunk));
    this.toClient = sessionSink(options.client, (chunk) => this.onServerBytes(chunk));
  }

  /** The connection is gone: pending delays end and nothing more is written. */
  dispose(): void {
    this.closed = true;
    this.interrupt.abort();
  }

  private onClientBytes(chunk: Buffer): Promise<void> | undefined {
    const pieces = this.fromClient.push(chunk);
    for (let i = 0; i < pieces.length; i++) {
      const handled = this.onClientPiece(pieces[i] as PgPiece);
      if (handled !== undefined) return handled.then(() => this.continueClient(pieces, i + 1));
    }
    this.flush();
    return undefined;
  }

  /** The rest of a read after a statement that had to wait (a delay): same order, one at a time. */
  private async continueClient(pieces: readonly PgPiece[], from: number): Promise<void> {
    for (let i = from; i < pieces.length; i++) {
      const handled = this.onClientPiece(pieces[i] as PgPiece);
      if (handled !== undefined) await handled;
    }
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    this.toServerOut.flush();
    this.toClientOut.flush();
  }

  private onClientPiece(piece: PgPiece): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (piece.type === rawBytes) return void this.toUpstream(piece.bytes);
    if (piece.type === untypedMessage) return void this.onStartupPacket(piece.bytes);
    if (this.skippingToSync && piece.type !== pgType.sync) return undefined;
    if (!(piece.first && piece.last)) return void this.toUpstream(piece.bytes);
    const message = piece.bytes;
    switch (piece.type) {
      case pgType.query:
        return this.onStatement(readQuery(message), message, false);
      case pgType.parse: {
        const { statement, text: sql } = readParse(message);
        this.statements.set(statement, sql);
        this.owe({ kind: 'parse' });
        return void this.toUpstream(message);
      }
      case pgType.bind: {
        const { portal, statement } = readBind(message);
        this.portals.set(portal, { text: this.statements.get(statement) ?? '', executed: false });
        this.owe({ kind: 'bind' });
        return void this.toUpstream(message);
      }
      case pgType.execute: {
        const portal = this.portals.get(readExecute(message));
        // A second Execute of a suspended portal continues the statement already judged.
        if (portal === undefined || portal.executed) return void this.toUpstream(message);
        portal.executed = true;
        return this.onStatement(portal.text, message, true);
      }
      case pgType.sync:
        this.skippingToSync = false;
        this.owe({ kind: 'sync' });
        return void this.toUpstream(message);
      case pgType.functionCall:
        this.owe({ kind: 'query' });
        return void this.toUpstream(message);
      default:
        return void this.toUpstream(message);
    }
  }

  /** SSLRequest and GSSENCRequest are refused ('N': the proxy cannot read encrypted traffic). */
  private onStartupPacket(packet: Buffer): void {
    const code = packet.readInt32BE(4);
    if (code === sslRequestCode || code === gssEncRequestCode) return this.toClientDirect(encryptionRefused);
    if (isStartupMessage(packet)) {
      for (const toxic of this.toxicsOf('pg_reject_connect')) {
        if (!this.fires(toxic)) continue;
        const sqlstate = text(toxic, 'sqlstate');
        this.toClientDirect(errorResponse('FATAL', sqlstate, messageFor(sqlstate, text(toxic, 'message'))));
        return this.cut();
      }
    }
    this.toUpstream(packet);
  }

  /** A Query, or the Execute of an extended-protocol statement: drop, delay, fail or forward it. */
  private onStatement(sql: string, message: Buffer, extended: boolean): Promise<void> | undefined {
    if (this.dropsHere(sql)) return void this.cut();
    // An autocommitted statement is its own transaction: it goes to the server, and its answer never comes back.
    if (this.status === 'I' && this.losesAnswer(sql)) this.losingAnswer = true;
    const delayMs = this.delayFor(sql);
    if (delayMs <= 0) return void this.forwardStatement(sql, message, extended);
    this.flush(); // what came before the held statement is not held with it
    return interruptibleSleep(delayMs, this.interrupt.signal).then(() => {
      if (!this.closed) this.forwardStatement(sql, message, extended);
    });
  }

  /** Sends the statement on, or what makes the server fail it (pg_error). */
  private forwardStatement(sql: string, message: Buffer, extended: boolean): void {
    const fault = this.faultFor(sql);
    if (fault === undefined) {
      if (!extended) this.owe({ kind: 'query' });
      return this.toUpstream(message);
    }
    const error = errorResponse('ERROR', fault.sqlstate, fault.message);
    const replacement = fault.commit ? 'ROLLBACK' : raiseStatement(fault.sqlstate, fault.message);
    if (!extended) {
      this.owe(fault.commit ? { kind: 'query', error } : { kind: 'query' });
      return this.toUpstream(queryMessage(replacement));
    }
    // The client's Execute becomes Parse/Bind/Execute of the replacement in the unnamed statement and
    // portal; their ParseComplete and BindComplete are dropped, and the rest of the batch is skipped.
    this.owe({ kind: 'fault-parse' });
    this.owe({ kind: 'fault-bind' });
    if (fault.commit) this.owe({ kind: 'fault-commit', error });
    this.statements.delete('');
    this.skippingToSync = true;
    this.toUpstream(Buffer.concat([parseMessage(replacement), bindMessage(), executeMessage()]));
  }

  private dropsHere(sql: string): boolean {
    if (this.status !== 'T') return false;
    for (const toxic of this.toxicsOf('pg_drop_in_transaction')) {
      if (this.statementsInTransaction < num(toxic, 'after') || !matcherOf(toxic)(sql, this.status)) continue;
      let roll = this.dropRolls.get(toxic.name);
      if (roll === undefined) {
        roll = this.options.counters.fires(toxic.name, { after: 0, count: num(toxic, 'count'), toxicity: toxic.toxicity }, this.options.random);
        this.dropRolls.set(toxic.name, roll);
      }
      if (roll) return true;
    }
    return false;
  }

  /** pg_drop_in_transaction with `autocommit`: a matching statement outside a block is run, and the connection lost before its answer. */
  private losesAnswer(sql: string): boolean {
    for (const toxic of this.toxicsOf('pg_drop_in_transaction')) {
      if (num(toxic, 'autocommit') === 0 || !matcherOf(toxic)(sql, this.status)) continue;
      // `after` numbers statements inside a block; an autocommitted statement is the first of its own.
      if (this.options.counters.fires(toxic.name, { after: 0, count: num(toxic, 'count'), toxicity: toxic.toxicity }, this.options.random)) return true;
    }
    return false;
  }

  private delayFor(sql: string): number {
    let total = 0;
    for (const toxic of this.toxicsOf('pg_delay')) {
      if (matcherOf(toxic)(sql, this.status) && this.fires(toxic)) total += Math.max(0, num(toxic, 'latency'));
    }
    return total;
  }

  /** The first pg_error toxic that fires on this statement. A failed transaction is left alone: it fails anyway. */
  private faultFor(sql: string): Fault | undefined {
    if (this.status === 'E') return undefined;
    for (const toxic of this.toxicsOf('pg_error')) {
      if (!matcherOf(toxic)(sql, this.status) || !this.fires(toxic)) continue;
      const sqlstate = text(toxic, 'sqlstate');
      return { commit: isCommitMatch(text(toxic, 'match')), sqlstate, message: messageFor(sqlstate, text(toxic, 'message')) };
    }
    return undefined;
  }

  private fires(toxic: ToxicDefinition): boolean {
    const rule = { after: num(toxic, 'after'), count: num(toxic, 'count'), toxicity: toxic.toxicity };
    return this.options.counters.fires(toxic.name, rule, this.options.random);
  }

  private toxicsOf(type: ProtocolToxicType): ToxicDefinition[] {
    return this.options.toxics().filter((t) => t.type === type);
  }

  private onServerBytes(chunk: Buffer): void {
    for (const piece of this.fromServer.push(chunk)) this.onServerPiece(piece);
    this.flush();
  }

  private onServerPiece(piece: PgPiece): void {
    if (this.losingAnswer) {
      // The server ran (and committed) the statement; the client hears nothing of it, the connection is lost.
      if (piece.first && piece.type === pgType.readyForQuery) this.cut();
      return;
    }
    if (piece.type === rawBytes || !piece.first) return this.toClientDirect(piece.bytes);
    const head = this.owed.peek();
    switch (piece.type) {
      case pgType.parseComplete:
      case pgType.bindComplete: {
        const own = piece.type === pgType.parseComplete ? 'parse' : 'bind';
        if (head?.kind === own) this.owed.shift();
        else if (head?.kind === `fault-${own}`) return void this.owed.shift();
        break;
      }
      case pgType.commandComplete:
        if (head?.kind === 'fault-commit') this.owed.shift();
        if ((head?.kind === 'fault-commit' || head?.kind === 'query') && head.error !== undefined) {
          return this.toClientDirect(head.error);
        }
        break;
      case pgType.errorResponse:
        // PostgreSQL skips to Sync after an error: Parse and Bind messages before it get no answer.
        this.skipUnanswered();
        break;
      case pgType.readyForQuery:
        this.skipUnanswered();
        this.owed.shift();
        this.onReady(readTransactionStatus(piece.bytes));
        break;
    }
    this.toClientDirect(piece.bytes);
  }

  /** Drops what precedes the next Sync or Query: the server skipped those messages after an error. */
  private skipUnanswered(): void {
    for (let next = this.owed.peek(); next !== undefined && next.kind !== 'sync' && next.kind !== 'query'; next = this.owed.peek()) {
      this.owed.shift();
    }
  }

  private onReady(status: TransactionStatus): void {
    if (status === 'T') {
      if (this.status === 'T') this.statementsInTransaction++;
      else this.statementsInTransaction = 0;
    } else {
      this.statementsInTransaction = 0;
      this.dropRolls.clear();
    }
    this.status = status;
  }

  private owe(entry: Owed): void {
    this.owed.push(entry);
  }

  /** Loses the connection; what is queued for the client (a FATAL ErrorResponse) still goes out first. */
  private cut(): void {
    if (this.closed) return;
    this.toClientOut.flush();
    this.closed = true;
    this.options.close();
  }

  private toUpstream(bytes: Buffer): void {
    this.toServerOut.push(bytes);
  }

  private toClientDirect(bytes: Buffer): void {
    this.toClientOut.push(bytes);
  }
}
