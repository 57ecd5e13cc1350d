import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { Ban } from "../types.js";
import { isPublicAddress, postWebhook, signBody } from "./webhook-target.js";

const ban = { ip: "203.0.113.5", status: "active" } as Ban;

describe("ban webhook delivery", () => {
  it("treats only public unicast addresses as reachable", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
    for (const ip of ["8.8.8.8", "2606:4700:4700::1111"]) expect(isPublicAddress(ip), ip).toBe(true);
  });

  it("refuses loopback, private and metadata destinations unless allowed, by literal IP and by name", async () => {
    const opts = { allowPrivate: false, timeoutMs: 2000 };
    await expect(
      postWebhook({ url: "http://127.0.0.1:9/x", secret: "s" }, { type: "ban", ban }, opts),
    ).rejects.toThrow(/not a public address/);
    await expect(
      postWebhook({ url: "http://169.254.169.254/", secret: "s" }, { type: "ban", ban }, opts),
    ).rejects.toThrow(/not a public address/);
    await expect(
      postWebhook({ url: "http://[::1]:9/", secret: "s" }, { type: "ban", ban }, opts),
    ).rejects.toThrow(/not a public address/);
    await expect(
      postWebhook({ url: "http://localhost:9/", secret: "s" }, { type: "ban", ban }, opts),
    ).rejects.toThrow(/non-public/);
  });

  it("signs the exact body with HMAC-SHA256 so a receiver can verify it", async () => {
    let verified = false;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        verified =
          req.headers["x-vigil-signature"] === signBody("k3y", body) && JSON.parse(body).type === "unban";
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await postWebhook({ url, secret: "k3y" }, { type: "unban", ban }, { allowPrivate: true });
      expect(verified).toBe(true);
      await expect(
        postWebhook({ url, secret: "k3y" }, { type: "unban", ban }, { allowPrivate: false }),
      ).rejects.toThrow(/not a public/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
