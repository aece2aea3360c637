import { Toxiproxy } from 'toxiproxy-node-client';
import type { ICreateToxicBody, Proxy, Toxic, ToxicType } from 'toxiproxy-node-client';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { startToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import type { ToxiproxyServer } from '../../../harness/toxiproxy/index.ts';
import { portOf } from './loopback.ts';

/** The embedded server (seeded, so toxicity and jitter are reproducible) driven by the official client. */
export interface Fixture {
  readonly server: ToxiproxyServer;
  readonly client: Toxiproxy;
  /** A proxy on a free loopback port; returns it with its port. */
  proxy(name: string, upstream: string): Promise<{ proxy: Proxy; port: number }>;
  close(): Promise<void>;
}

export async function startFixture(seed = 1): Promise<Fixture> {
  const server = await startToxiproxyServer({ port: 0, random: createRng(seed) });
  const client = new Toxiproxy(server.url);
  return {
    server,
    client,
    async proxy(name, upstream) {
      const proxy = await client.createProxy({ name, listen: '127.0.0.1:0', upstream });
      return { proxy, port: portOf(proxy.listen) };
    },
    close: () => server.close(),
  };
}

export interface ToxicSpec {
  type: ToxicType | 'noop';
  attributes: object;
  stream?: 'upstream' | 'downstream';
  name?: string;
  toxicity?: number;
}

/** addToxic with the server's defaults for what is left out (the client's type wants every field). */
export function addToxic(proxy: Proxy, spec: ToxicSpec): Promise<Toxic<object>> {
  return proxy.addToxic(spec as unknown as ICreateToxicBody<object>);
}
