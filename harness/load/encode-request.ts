import type { PreparedRequest } from './engine.ts';

/**
 * The HTTP/1.1 bytes of a request for a raw socket: request line, Host, keep-alive, the request's
 * headers, Content-Length for a body. A Host or Content-Length given by the request wins. Built as
 * one string and copied once: a request whose templates change per request pays this on every send.
 */
export function encodeRequest(req: PreparedRequest, basePath: string, host: string): Buffer {
  let head = `${req.method} ${basePath}${req.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  const headers = req.headers;
  for (const k in headers) {
    const lower = k.toLowerCase();
    if (lower === 'host') hasHost = true;
    else if (lower === 'content-length') hasLength = true;
    head += `${k}: ${headers[k]}\r\n`;
  }
  if (!hasHost) head += `Host: ${host}\r\n`;
  head += 'Connection: keep-alive\r\n';
  const body = req.body;
  if (body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
  if (!hasLength) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return Buffer.from(`${head}\r\n${body}`);
}

/**
 * The bytes of requests that come back as the same object (a request mix's constant requests): encoded
 * once per object, kept as long as the object lives.
 */
export class EncodedRequests {
  readonly #cache = new WeakMap<PreparedRequest, Buffer>();
  readonly #basePath: string;
  readonly #host: string;

  constructor(basePath: string, host: string) {
    this.#basePath = basePath;
    this.#host = host;
  }

  bytesOf(req: PreparedRequest): Buffer {
    // A templated request is new on every send: nothing to look up.
    if (req.constant !== true) return encodeRequest(req, this.#basePath, this.#host);
    let bytes = this.#cache.get(req);
    if (bytes === undefined) {
      bytes = encodeRequest(req, this.#basePath, this.#host);
      this.#cache.set(req, bytes);
    }
    return bytes;
  }
}
