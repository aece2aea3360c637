import type { ICreateToxicBody, Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { FaultEventPlan } from '../contract/plan-types.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultContext, FaultDriver } from './fault-kind.ts';
import { ProxyObserver } from './proxy-observer.ts';

export interface ToxicSpec {
  proxy: string;
  /** A Toxiproxy toxic type, or one of the embedded proxy's protocol toxics (pg_error, …): the client sends the name as it is. */
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity?: number;
  /** Numbers for Toxiproxy's toxics; the protocol toxics of the embedded proxy take strings too (a statement pattern, a SQLSTATE). */
  attributes: Record<string, number | string>;
}

/** How long past its planned removal a toxic on stresslab's proxy outlives a run that died (its ttl). */
export const TTL_MARGIN_MS = 60_000;

/** Toxic names go into URL paths unencoded by the client, so only URL-safe characters. */
export function toxicNameFor(faultName: string): string {
  return `stresslab-${faultName.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof Error && /status code 404\b/.test(e.message);
}

export function requireToxiproxy(ctx: FaultContext, proxy: string): { client: Toxiproxy; url: string } {
  if (ctx.toxiproxy === null || ctx.toxiproxyUrl === null) {
    throw new StresslabError('FAULT_FAILED', `This fault needs a Toxiproxy (proxy "${proxy}") but none is configured`, {
      hint: 'Set toxiproxy.url in the scenario, or leave it out to use the embedded one.',
    });
  }
  return { client: ctx.toxiproxy, url: ctx.toxiproxyUrl };
}

export async function getProxy(client: Toxiproxy, name: string): Promise<Proxy> {
  try {
    return await client.get(name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw new StresslabError('FAULT_FAILED', `Toxiproxy has no proxy named "${name}"`, {
      hint: 'Declare it in the scenario\'s proxies section ("api" and "db" exist in embedded mode).',
      cause: e,
    });
  }
}

/** A toxic on a named proxy, through the official client; the ledger holds its name before it exists. */
export function toxicDriver(event: FaultEventPlan, ctx: FaultContext, spec: ToxicSpec): FaultDriver {
  const toxicName = toxicNameFor(event.name);
  let attempted = false;
  let observer: ProxyObserver | null = null;
  return {
    async inject() {
      const { client, url } = requireToxiproxy(ctx, spec.proxy);
      attempted = true;
      await ctx.ledger.intend(event.name, { kind: 'remove-toxic', toxiproxyUrl: url, proxy: spec.proxy, toxic: toxicName, embedded: ctx.toxiproxyEmbedded ?? false });
      const proxy = await getProxy(client, spec.proxy);
      // Counters first, so everything the toxic does falls between the two reads.
      observer = new ProxyObserver(url, spec.proxy, toxicName);
      await observer.start();
      // The run removes the toxic on time; the ttl is the backstop for a run that died (a real Toxiproxy gets none).
      const ttl = ctx.toxicTtl === true ? { ttl: event.removeAtMs - event.injectAtMs + TTL_MARGIN_MS } : {};
      const body = { name: toxicName, type: spec.type, stream: spec.stream, toxicity: spec.toxicity ?? 1, attributes: { ...spec.attributes, ...ttl } };
      await proxy.addToxic(body as unknown as ICreateToxicBody<Record<string, number>>);
      ctx.log(`toxic ${toxicName} (${spec.type} ${JSON.stringify(spec.attributes)}, ${spec.stream}) added to proxy ${spec.proxy}`);
    },
    async remove() {
      if (!attempted || ctx.toxiproxy === null) return;
      await observer?.finish();
      await removeToxic(ctx.toxiproxy, spec.proxy, toxicName);
    },
    observation: () => observer?.observation() ?? null,
  };
}

/** Returns false when the proxy or the toxic is already gone. */
export async function removeToxic(client: Toxiproxy, proxyName: string, toxicName: string): Promise<boolean> {
  try {
    const proxy = await client.get(proxyName);
    const toxic = await proxy.getToxic(toxicName);
    await toxic.remove();
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** Disables a proxy (its connections close, new ones are refused) until removal re-enables it. */
export function proxyDownDriver(event: FaultEventPlan, ctx: FaultContext, proxyName: string): FaultDriver {
  let attempted = false;
  let observer: ProxyObserver | null = null;
  return {
    async inject() {
      const { client, url } = requireToxiproxy(ctx, proxyName);
      attempted = true;
      await ctx.ledger.intend(event.name, { kind: 'enable-proxy', toxiproxyUrl: url, proxy: proxyName, embedded: ctx.toxiproxyEmbedded ?? false });
      const proxy = await getProxy(client, proxyName);
      observer = new ProxyObserver(url, proxyName, null);
      await observer.start();
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      ctx.log(`proxy ${proxyName} disabled`);
    },
    async remove() {
      if (!attempted || ctx.toxiproxy === null) return;
      await observer?.finish();
      await enableProxy(ctx.toxiproxy, proxyName);
    },
    observation: () => observer?.observation() ?? null,
  };
}

/** Returns false when the proxy was already enabled or no longer exists. */
export async function enableProxy(client: Toxiproxy, proxyName: string): Promise<boolean> {
  try {
    const proxy = await client.get(proxyName);
    if (proxy.enabled) return false;
    await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
