import type { PreparedRequest } from './engine.ts';

/**
 * The HTTP/1.1 bytes of a request for autocannon's raw sockets: request line, Host, keep-alive,
 * the request's headers, Content-Length for a body. A Host or Content-Length given by the request wins.
 */
export function encodeRequest(req: PreparedRequest, basePath: string, host: string): Buffer {
  let head = `${req.method} ${basePath}${req.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  for (const [k, v] of Object.entries(req.headers)) {
    const lower = k.toLowerCase();
    if (lower === 'host') hasHost = true;
    else if (lower === 'content-length') hasLength = true;
    head += `${k}: ${v}\r\n`;
  }
  if (!hasHost) head += `Host: ${host}\r\n`;
  head += 'Connection: keep-alive\r\n';
  const body = req.body === undefined ? null : Buffer.from(req.body);
  if (body !== null && !hasLength) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  return body === null ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]);
}
