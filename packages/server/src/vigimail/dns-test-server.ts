import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";

/**
 * A small authoritative DNS server over UDP for tests (RFC 1035 wire format), so Vigimail's checks run
 * against real DNS answers without the internet. Names are answered from `zone`; an unknown name is
 * NXDOMAIN, a known name without the asked type is an empty NOERROR (NODATA). A name can also be made
 * to answer SERVFAIL or nothing at all (a timeout).
 */
export interface TestDnsName {
  txt?: string[];
  mx?: Array<{ priority: number; exchange: string }>;
  a?: string[];
  aaaa?: string[];
  fail?: "servfail" | "drop";
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as VIGIL_DNS_SERVERS takes it. */
  address: string;
  port: number;
  zone: Map<string, TestDnsName>;
  /** Names asked, lower-cased, in order. */
  queries: string[];
  close(): Promise<void>;
}

const TYPE = { A: 1, MX: 15, TXT: 16, AAAA: 28 } as const;

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, "ascii")])),
    Buffer.from([0]),
  ]);
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail] = addr.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(Number.parseInt(g || "0", 16), i * 2);
  return out;
}

function rdataFor(type: number, entry: TestDnsName): Buffer[] {
  switch (type) {
    case TYPE.TXT:
      return (entry.txt ?? []).map((text) => {
        const bytes = Buffer.from(text, "utf8");
        const chunks: Buffer[] = [];
        for (let i = 0; i < bytes.length || i === 0; i += 255) {
          const c = bytes.subarray(i, i + 255);
          chunks.push(Buffer.from([c.length]), c);
        }
        return Buffer.concat(chunks);
      });
    case TYPE.MX:
      return (entry.mx ?? []).map((m) => {
        const pref = Buffer.alloc(2);
        pref.writeUInt16BE(m.priority);
        return Buffer.concat([pref, encodeName(m.exchange)]);
      });
    case TYPE.A:
      return (entry.a ?? []).map((ip) => Buffer.from(ip.split(".").map(Number)));
    case TYPE.AAAA:
      return (entry.aaaa ?? []).filter((ip) => isIPv6(ip)).map(ipv6Bytes);
    default:
      return [];
  }
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } | null {
  let off = 12;
  const labels: string[] = [];
  while (off < msg.length) {
    const len = msg[off] ?? 0;
    if (len === 0) {
      off++;
      break;
    }
    labels.push(msg.subarray(off + 1, off + 1 + len).toString("ascii"));
    off += 1 + len;
  }
  if (off + 4 > msg.length) return null;
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(off), end: off + 4 };
}

export async function startTestDnsServer(records: Record<string, TestDnsName> = {}): Promise<TestDnsServer> {
  const zone = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: string[] = [];
  const socket: Socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    const q = readQuestion(msg);
    if (!q) return;
    queries.push(q.name);
    const entry = zone.get(q.name);
    if (entry?.fail === "drop") return;
    let rcode = 0;
    let answers: Buffer[] = [];
    if (!entry) rcode = 3;
    else if (entry.fail === "servfail") rcode = 2;
    else answers = rdataFor(q.type, entry);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    // QR, AA, RD copied, RA; the rcode in the low bits.
    header.writeUInt16BE(0x8000 | 0x0400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((rdata) => {
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      fixed.writeUInt16BE(q.type, 2);
      fixed.writeUInt16BE(1, 4);
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([fixed, rdata]);
    });
    socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    zone,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
