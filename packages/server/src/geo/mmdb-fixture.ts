/**
 * Writes a tiny IPv4 MaxMind DB (MMDB format 2.0) for tests, so the City-database path is exercised
 * without shipping MaxMind's licensed data. Supports the value types a City record needs: maps,
 * strings, doubles and unsigned integers. Test support only; not used at run time.
 */
export type MmdbValue = string | number | { [key: string]: MmdbValue } | MmdbValue[];

export interface MmdbNetwork {
  cidr: string; // "81.2.69.0/24"
  record: MmdbValue;
}

export function buildMmdb(networks: MmdbNetwork[], databaseType = "GeoLite2-City"): Buffer {
  const data: Buffer[] = [];
  let dataLen = 0;
  const offsets = networks.map((n) => {
    const enc = encode(n.record);
    const off = dataLen;
    data.push(enc);
    dataLen += enc.length;
    return off;
  });

  // Binary trie over the 32 address bits; a record is a node index, a data offset, or empty.
  type Rec = { node: number } | { data: number } | null;
  const nodes: [Rec, Rec][] = [[null, null]];
  networks.forEach((n, i) => {
    const [addr = "", lenText = "32"] = n.cidr.split("/");
    const ip = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const len = Number(lenText);
    let cur = 0;
    for (let depth = 0; depth < len; depth++) {
      const bit = Math.floor(ip / 2 ** (31 - depth)) % 2;
      const node = nodes[cur] as [Rec, Rec];
      if (depth === len - 1) {
        node[bit] = { data: offsets[i] ?? 0 };
        break;
      }
      const next = node[bit];
      if (next && "node" in next) cur = next.node;
      else {
        nodes.push([null, null]);
        node[bit] = { node: nodes.length - 1 };
        cur = nodes.length - 1;
      }
    }
  });

  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  const value = (r: Rec) => (r === null ? count : "node" in r ? r.node : count + 16 + r.data);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3);
    tree.writeUIntBE(value(r), i * 6 + 3, 3);
  });

  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 4,
    database_type: databaseType,
    languages: ["en"],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    description: { en: "Vigil test fixture" },
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from("MaxMind.com")]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

function control(type: number, size: number): Buffer {
  if (size >= 29) throw new Error("mmdb fixture: values longer than 28 bytes/entries are not supported");
  // Types above 7 are "extended": type bits 0, real type - 7 in the next byte.
  return type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7]);
}

function encode(v: MmdbValue): Buffer {
  if (typeof v === "string") {
    const b = Buffer.from(v, "utf8");
    return Buffer.concat([control(2, b.length), b]);
  }
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 0) {
      const bytes: number[] = [];
      for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
      // uint32 holds up to 4 bytes; larger values (epochs are fine) go as uint64.
      return Buffer.concat([control(bytes.length <= 4 ? 6 : 9, bytes.length), Buffer.from(bytes)]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([control(3, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)]);
  const entries = Object.entries(v);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}
