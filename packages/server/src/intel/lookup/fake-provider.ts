import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for one threat-intelligence provider, for tests: an HTTP server on 127.0.0.1 that
 * records every request (method, path with query, headers, body) and answers what the test's handler
 * says, in the provider's documented wire format. Point `VIGIL_TI_<NAME>_URL` at `url`.
 */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Never answer (the caller's timeout must end the call). */
  hang?: boolean;
}

export interface FakeProvider {
  url: string;
  requests: FakeRequest[];
  setHandler(handler: (req: FakeRequest) => FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakeProvider(handler: (req: FakeRequest) => FakeAnswer): Promise<FakeProvider> {
  let answer = handler;
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: FakeRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(r);
      const a = answer(r);
      if (a.hang) return;
      res.writeHead(a.status, { "Content-Type": "application/json", ...a.headers }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler(h) {
      answer = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
