import { isIP } from 'node:net';

/**
 * Whether a host name or address can only be reached from this machine: `localhost`,
 * 127.0.0.0/8 or ::1, also in the forms Node and URLs write them (`::ffff:127.0.0.1` for an IPv4
 * peer on a dual-stack socket, `[::1]` as a URL host name).
 */
export function isLoopback(hostOrAddress: string): boolean {
  const host = hostOrAddress.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return isIP(ipv4) === 4 && ipv4.startsWith('127.');
}
