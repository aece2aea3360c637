import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { apiErrors } from './api-error.ts';

/** A `host:port` split like Go's net.SplitHostPort (brackets for IPv6, host may be empty). */
export interface HostPort {
  host: string;
  port: number;
}

/** Errors carry Go's wording, because the API reports them verbatim as 500 bodies. */
export function splitHostPort(address: string): HostPort {
  const missingPort = () => apiErrors.internal(`address ${address}: missing port in address`);
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) throw apiErrors.internal(`address ${address}: missing ']' in address`);
    if (address[close + 1] !== ':') throw missingPort();
    host = address.slice(1, close);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw missingPort();
    host = address.slice(0, colon);
    if (host.includes(':')) throw apiErrors.internal(`address ${address}: too many colons in address`);
    portText = address.slice(colon + 1);
  }
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || port > 65535) throw apiErrors.internal(`lookup tcp/${portText}: unknown port`);
  return { host, port };
}

/** `ip:port`, or `[ipv6]:port`, as Go prints a TCP address. */
export function formatAddress(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A hostname resolved preferring IPv4, like Go's resolver for "tcp"; IP literals pass through. */
export async function resolveHost(host: string): Promise<string> {
  if (host === '' || isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    try {
      return (await lookup(host)).address;
    } catch {
      throw apiErrors.internal(`lookup ${host}: no such host`);
    }
  }
}

/**
 * The string Go's net.ResolveTCPAddr(listen).String() gives: what update and populate compare with a
 * proxy's current (bound) listen address to decide whether it "differs" and must restart.
 */
export async function resolvedListen(listen: string): Promise<string> {
  const { host, port } = splitHostPort(listen);
  const ip = await resolveHost(host);
  return ip === '' ? `:${port}` : formatAddress(ip, port);
}

/** Where to bind: an empty host binds every interface (dual stack), as Go does. */
export async function bindAddress(listen: string): Promise<HostPort> {
  const { host, port } = splitHostPort(listen);
  const ip = await resolveHost(host);
  return { host: ip === '' ? '::' : ip, port };
}
