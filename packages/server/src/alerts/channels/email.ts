import nodemailer from "nodemailer";
import { emailHtml, emailSubject, emailText } from "./email-template.js";
import { type Allowlist, guardHost, parseAllowlist } from "./outbound-guard.js";
import type { EmailConfig, Notification, SendResult } from "./types.js";

export interface EmailOptions {
  /** Extra trusted CA (PEM), for an internal relay with its own certificate authority. */
  ca?: string;
  timeoutMs?: number;
  /** Private relays allowed (default `VIGIL_WEBHOOK_ALLOWLIST`): the SSRF guard covers SMTP too. */
  allow?: Allowlist;
}

/**
 * SMTP with implicit TLS (`secure`, port 465) or STARTTLS (`starttls`, port 587: Office 365, Gmail).
 * With `starttls` set, a server that does not offer it is refused rather than sent the password in
 * clear. Certificates are always verified. The relay must pass the outbound guard (a public address,
 * or allow-listed): the connection goes to the address checked, the certificate is checked against the name.
 */
export async function sendEmail(
  config: EmailConfig,
  n: Notification,
  opts: EmailOptions = {},
): Promise<SendResult> {
  if (config.to.length === 0) return { ok: false, error: "no recipients", attempts: 0 };
  const timeout = opts.timeoutMs ?? 15_000;
  let address: string;
  try {
    address = await guardHost(config.host, opts.allow ?? parseAllowlist(process.env.VIGIL_WEBHOOK_ALLOWLIST));
  } catch (e) {
    return { ok: false, error: `${config.host}: ${e instanceof Error ? e.message : String(e)}`, attempts: 0 };
  }
  const transport = nodemailer.createTransport({
    host: address,
    port: config.port,
    // When the relay was resolved here, TLS still verifies the certificate against its name.
    ...(address !== config.host ? { servername: config.host } : {}),
    secure: config.secure,
    requireTLS: !config.secure && config.starttls,
    ignoreTLS: !config.secure && !config.starttls,
    ...(config.username ? { auth: { user: config.username, pass: config.password ?? "" } } : {}),
    tls: {
      rejectUnauthorized: true,
      ...(address !== config.host ? { servername: config.host } : {}),
      ...(opts.ca ? { ca: opts.ca } : {}),
    },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: emailSubject(n),
      text: emailText(n),
      html: emailHtml(n),
    });
    return { ok: true, attempts: 1 };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), attempts: 1 };
  } finally {
    transport.close();
  }
}
