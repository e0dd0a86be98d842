/**
 * Pod IP allocation: cluster block k gives pods `127.k.a.b` (a in 0..199, b in 2..254; `127.k.0.1` is the node,
 * `127.k.200+` belong to load balancers). Pure: the caller passes every address in use.
 */

/** The lowest free pod address of a block, or undefined when the block is full. */
export function allocatePodIp(block: number, used: ReadonlySet<string>): string | undefined {
  for (let a = 0; a < 200; a++) {
    for (let b = 2; b < 255; b++) {
      const ip = `127.${block}.${a}.${b}`;
      if (!used.has(ip)) return ip;
    }
  }
  return undefined;
}
