import nodemailer from "nodemailer";
import { emailHtml, emailSubject, emailText } from "./email-template.js";
import type { EmailConfig, Notification, SendResult } from "./types.js";

export interface EmailOptions {
  /** Extra trusted CA (PEM), for an internal relay with its own certificate authority. */
  ca?: string;
  timeoutMs?: number;
}

/**
 * SMTP with implicit TLS (`secure`, port 465) or STARTTLS (`starttls`, port 587: Office 365, Gmail).
 * With `starttls` set, a server that does not offer it is refused rather than sent the password in
 * clear. Certificates are always verified.
 */
export async function sendEmail(
  config: EmailConfig,
  n: Notification,
  opts: EmailOptions = {},
): Promise<SendResult> {
  if (config.to.length === 0) return { ok: false, error: "no recipients", attempts: 0 };
  const timeout = opts.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.starttls,
    ignoreTLS: !config.secure && !config.starttls,
    ...(config.username ? { auth: { user: config.username, pass: config.password ?? "" } } : {}),
    tls: { rejectUnauthorized: true, ...(opts.ca ? { ca: opts.ca } : {}) },
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
