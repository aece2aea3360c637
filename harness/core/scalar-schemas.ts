import * as z from 'zod';

/** Names used in tags, templates and fault names: no spaces, braces, commas or colons. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/, { message: 'must start with a letter, digit or _ and contain only letters, digits, _ . -' })
  .max(100);

export const HOST_PORT = /^(?:[A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/;

export const hostPortSchema = z
  .string()
  .regex(HOST_PORT, { message: 'must be host:port, e.g. 127.0.0.1:26379' });

export const httpUrlSchema = z.string().regex(/^https?:\/\/[^\s/]+(?:\/\S*)?$/, { message: 'must be an http:// or https:// URL' });
