import { register } from 'node:module';

register('./resolve-hooks.mjs', import.meta.url);
