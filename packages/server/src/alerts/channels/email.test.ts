import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { SEVERITY_COLOUR } from "./email-template.js";
import { criticalAlert } from "./fixtures.js";
import { parseAllowlist } from "./outbound-guard.js";
import { sendNotification } from "./send.js";
import type { Channel, EmailConfig } from "./types.js";

interface Mail {
  raw: string;
  secure: boolean;
  user: string | undefined;
  to: string[];
}

const servers: SMTPServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A real SMTP server in this process; resolves its port and the list the mails land in. */
async function startSmtp(opts: SMTPServerOptions): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    ...opts,
    onAuth(auth, _session, cb) {
      if (auth.username === "soc" && auth.password === "pw") cb(null, { user: auth.username });
      else cb(new Error("bad credentials"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          raw: Buffer.concat(chunks).toString("utf8"),
          secure: session.secure,
          user: typeof session.user === "string" ? session.user : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        cb();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

/** Just enough MIME to read a multipart/alternative mail: the top headers and each decoded part. */
function parseMail(raw: string): { headers: string; parts: Map<string, string> } {
  const [headers = "", body = ""] = raw
    .split(/\r?\n\r?\n/, 1)
    .concat(raw.slice(raw.search(/\r?\n\r?\n/) + 2));
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1] ?? "";
  const parts = new Map<string, string>();
  for (const chunk of body.split(`--${boundary}`)) {
    const split = chunk.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = chunk.slice(0, split);
    const content = chunk.slice(split).trim();
    const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? "";
    const enc = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
    const decoded =
      enc === "base64"
        ? Buffer.from(content, "base64").toString("utf8")
        : enc === "quoted-printable"
          ? Buffer.from(
              content
                .replace(/=\r?\n/g, "")
                .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              "latin1",
            ).toString("utf8")
          : content;
    if (type) parts.set(type, decoded);
  }
  return { headers, parts };
}

/** The test relays listen on loopback, which the outbound guard refuses unless allow-listed. */
const allow = parseAllowlist("127.0.0.1");

function emailChannel(config: Partial<EmailConfig> & { port: number }): Channel {
  return {
    id: "e",
    name: "mail",
    type: "email",
    config: {
      host: "127.0.0.1",
      secure: false,
      starttls: false,
      from: "vigil@example.com",
      to: ["soc@example.com", "oncall@example.com"],
      ...config,
    },
  };
}

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("email channel", () => {
  it("delivers a well-formed HTML + text mail for a critical alert, every value escaped", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"] });
    const res = await sendNotification(emailChannel({ port: smtp.port }), criticalAlert, {
      timeoutMs: 5000,
      allow,
    });
    expect(res).toEqual({ ok: true, attempts: 1 });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0] as Mail;
    expect(mail.to).toEqual(["soc@example.com", "oncall@example.com"]);
    const { headers, parts } = parseMail(mail.raw);
    expect(headers).toMatch(/Subject: \[Vigil CRITICAL\] Firewall drop surge <script>alert\(1\)<\/script>/);
    expect(headers).toMatch(/multipart\/alternative/i);
    const html = parts.get("text/html") ?? "";
    const text = parts.get("text/plain") ?? "";
    expect(html).toContain(`background:${SEVERITY_COLOUR.critical}`);
    expect(html).toContain("CRITICAL ALERT");
    expect(html).toContain("Firewall drop surge &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("fw-drops &amp; scans");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain(`href="${criticalAlert.link}"`);
    expect(text).toContain("[CRITICAL] Firewall drop surge");
    expect(text).toMatch(/Count:\s+25/);
    expect(text).toContain(`Open: ${criticalAlert.link}`);
  });

  it("styles the band by severity", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"] });
    await sendNotification(
      emailChannel({ port: smtp.port }),
      { ...criticalAlert, severity: "low" },
      { allow },
    );
    const html = parseMail(smtp.mails[0]?.raw ?? "").parts.get("text/html") ?? "";
    expect(html).toContain(`background:${SEVERITY_COLOUR.low}`);
    expect(html).not.toContain(SEVERITY_COLOUR.critical);
  });

  it("refuses a private relay that is not allow-listed (the SSRF guard covers SMTP), by address or by name", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"] });
    const none = parseAllowlist("");
    const byAddress = await sendNotification(emailChannel({ port: smtp.port }), criticalAlert, {
      allow: none,
    });
    expect(byAddress).toMatchObject({ ok: false, attempts: 0 });
    expect(byAddress.error).toMatch(/refused: 127\.0\.0\.1 is not a public address/);
    const byName = await sendNotification(
      emailChannel({ port: smtp.port, host: "localhost" }),
      criticalAlert,
      {
        allow: none,
      },
    );
    expect(byName.error).toMatch(/refused: localhost resolves to non-public/);
    for (const host of ["169.254.169.254", "[::1]", "10.0.0.1"]) {
      const res = await sendNotification(emailChannel({ port: smtp.port, host }), criticalAlert, {
        allow: none,
      });
      expect(res.error).toMatch(/refused/);
    }
    expect(smtp.mails).toHaveLength(0);
  });

  it("reports an unreachable SMTP server as a failure, not a throw", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"] });
    const port = smtp.port;
    await new Promise<void>((r) => (servers.pop() as SMTPServer).close(() => r()));
    const res = await sendNotification(emailChannel({ port }), criticalAlert, { timeoutMs: 2000, allow });
    expect(res.ok).toBe(false);
    expect(res.error).toMatch(/ECONNREFUSED|connect/i);
  });

  it("refuses to send when STARTTLS is required and the server does not offer it", async () => {
    const smtp = await startSmtp({ disabledCommands: ["STARTTLS"], allowInsecureAuth: true });
    const ch = emailChannel({ port: smtp.port, starttls: true, username: "soc", password: "pw" });
    const res = await sendNotification(ch, criticalAlert, { timeoutMs: 5000, allow });
    expect(res.ok).toBe(false);
    expect(smtp.mails).toHaveLength(0);
  });

  describe.skipIf(!hasOpenssl())("over TLS (self-signed certificate made with openssl)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-smtp-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const pem = (): { key: string; cert: string } => {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      return {
        key: readFileSync(join(dir, "key.pem"), "utf8"),
        cert: readFileSync(join(dir, "cert.pem"), "utf8"),
      };
    };
    const { key, cert } = pem();

    it("upgrades with STARTTLS, authenticates, and verifies the certificate", async () => {
      const smtp = await startSmtp({ key, cert });
      const ch = emailChannel({ port: smtp.port, starttls: true, username: "soc", password: "pw" });
      expect(await sendNotification(ch, criticalAlert, { email: { ca: cert }, allow })).toEqual({
        ok: true,
        attempts: 1,
      });
      expect(smtp.mails[0]).toMatchObject({ secure: true, user: "soc" });
      const untrusted = await sendNotification(ch, criticalAlert, { timeoutMs: 5000, allow });
      expect(untrusted.ok).toBe(false);
      expect(untrusted.error).toMatch(/self[- ]signed|certificate/i);
      expect(smtp.mails).toHaveLength(1);
    });

    it("speaks implicit TLS when secure is set", async () => {
      const smtp = await startSmtp({ key, cert, secure: true });
      const ch = emailChannel({ port: smtp.port, secure: true, username: "soc", password: "pw" });
      expect(await sendNotification(ch, criticalAlert, { email: { ca: cert }, allow })).toEqual({
        ok: true,
        attempts: 1,
      });
      expect(smtp.mails[0]).toMatchObject({ secure: true, user: "soc" });
    });
  });
});
