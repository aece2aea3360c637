export { startToxiproxyServer } from './toxiproxy-server.ts';
export type { ToxiproxyServer, ToxiproxyServerOptions } from './toxiproxy-server.ts';
export { PROTOCOLS_HEADER, toxiproxyVersion } from './api-routes.ts';
export { toxicKinds } from './toxics/index.ts';
export type { ToxicType } from './toxics/index.ts';
