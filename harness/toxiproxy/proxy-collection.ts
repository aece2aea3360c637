import { apiErrors, toApiError } from './api-error.ts';
import type { ApiError } from './api-error.ts';
import { asObject } from './go-json.ts';
import { resolvedListen } from './listen-address.ts';
import { Proxy } from './proxy.ts';
import type { ProxyEnv } from './proxy.ts';
import { decodeProxyFields } from './proxy-input.ts';
import type { ProxyInput } from './proxy-input.ts';

/** The outcome of /populate: the proxies handled, and the error that stopped it (if any). */
export interface PopulateOutcome {
  proxies: Proxy[];
  error: ApiError | undefined;
}

/** All proxies by name, with Toxiproxy's create / populate / update / reset rules. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly env: ProxyEnv) {}

  /** Sorted by name, as Go marshals a map. */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw apiErrors.proxyNotFound();
    return proxy;
  }

  /** Duplicate names are refused before any bind; a proxy that fails to bind is not added. */
  async create(input: ProxyInput): Promise<Proxy> {
    if (this.proxies.has(input.name)) throw apiErrors.proxyAlreadyExists();
    const proxy = await this.started(input);
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  /**
   * Add or replace, in order: an existing proxy with the same (resolved) listen and upstream is kept
   * untouched, toxics and all; a different one is stopped and replaced. The first failure stops the run.
   */
  async populate(inputs: readonly ProxyInput[]): Promise<PopulateOutcome> {
    const proxies: Proxy[] = [];
    try {
      for (const input of inputs) {
        const existing = this.proxies.get(input.name);
        if (existing !== undefined) {
          const same =
            (await resolvedListen(input.listen)) === existing.listen &&
            input.upstream === existing.upstream &&
            input.protocol === existing.protocol;
          if (same) {
            proxies.push(existing);
            continue;
          }
          existing.close();
        }
        const proxy = await this.started(input);
        this.proxies.set(input.name, proxy);
        proxies.push(proxy);
      }
    } catch (e) {
      return { proxies, error: toApiError(e) };
    }
    return { proxies, error: undefined };
  }

  /**
   * The body is decoded over the current values; a different listen or upstream restarts the proxy
   * (dropping its connections), then `enabled` starts or stops it.
   */
  async update(name: string, body: () => unknown): Promise<Proxy> {
    const proxy = this.get(name);
    const current: ProxyInput = {
      name,
      listen: proxy.listen,
      upstream: proxy.upstream,
      enabled: proxy.enabled,
      protocol: proxy.protocol,
    };
    const input = decodeProxyFields(asObject(body(), 'toxiproxy.Proxy'), current);
    const differs =
      (await resolvedListen(input.listen)) !== proxy.listen ||
      input.upstream !== proxy.upstream ||
      input.protocol !== proxy.protocol;
    if (differs) {
      proxy.stop();
      proxy.listen = input.listen;
      proxy.upstream = input.upstream;
      proxy.setProtocol(input.protocol);
    }
    if (input.enabled && !proxy.enabled) await proxy.start();
    if (!input.enabled && proxy.enabled) proxy.stop();
    return proxy;
  }

  remove(name: string): void {
    this.get(name).close();
    this.proxies.delete(name);
  }

  /** Re-enables every proxy and removes all toxics; proxies are kept. */
  async reset(): Promise<void> {
    for (const proxy of this.list()) {
      await proxy.start();
      proxy.toxics.removeAll();
    }
  }

  stopAll(): void {
    for (const proxy of this.proxies.values()) proxy.close();
  }

  private async started(input: ProxyInput): Promise<Proxy> {
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.env, input.protocol);
    if (input.enabled) await proxy.start();
    return proxy;
  }
}
