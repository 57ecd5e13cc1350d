import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLiveClient } from "../test-support/live-client.js";
import { bsdTime } from "../test-support/syslog-stamps.js";
import { eventually, startTestVigil, type TestVigil } from "../test-support/test-vigil.js";

/** The live route end to end: a client gets nothing until it subscribes, then only its topics. */

let t: TestVigil;

beforeAll(async () => {
  t = await startTestVigil();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const open = () => openLiveClient(t);

function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(payload));
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

const sshFailure = (n: number) =>
  `<38>${bsdTime(Date.now())} srv01 sshd[${4000 + n}]: Failed password for root from 203.0.113.${n} port 40000 ssh2\n`;

describe("live route", () => {
  it("sends events only after a subscribe to them, and refuses unknown topics", async () => {
    const quiet = await open();
    const feed = await open();
    feed.socket.send(JSON.stringify({ type: "subscribe", topics: ["nonsense"] }));
    await eventually(async () => feed.messages.find((m) => m.type === "error"));
    expect(String(feed.messages.find((m) => m.type === "error")?.detail)).toContain("unknown topic nonsense");
    feed.socket.send(JSON.stringify({ type: "subscribe", topics: ["events", "stats"] }));
    await eventually(async () => feed.messages.find((m) => m.type === "subscribed"));

    await sendTcp(t.syslogPort, sshFailure(1));
    await eventually(async () => feed.messages.find((m) => m.type === "new_event"));
    await eventually(async () => feed.messages.find((m) => m.type === "stats"));
    expect(quiet.messages.map((m) => m.type)).toEqual(["hello"]);
    quiet.socket.terminate();
    feed.socket.terminate();
  });
});
