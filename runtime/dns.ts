/**
 * Host name resolution to every address (a headless Kubernetes Service answers with one address per pod).
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Every IPv4 and IPv6 address of `host` (through the system resolver, so `/etc/hosts` counts), without repeats.
 * An IP literal resolves to itself; a name that does not resolve rejects.
 *
 * @example
 * ```ts
 * await resolveHost("indexer.search.svc"); // ["10.1.0.7", "10.1.0.9"]
 * await resolveHost("127.0.0.1");          // ["127.0.0.1"]
 * ```
 */
export async function resolveHost(host: string): Promise<string[]> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return [bare];
  const found = await lookup(bare, { all: true });
  return [...new Set(found.map((entry) => entry.address))];
}
