import nodemailer from "nodemailer";
import { env } from "@/lib/env";

/** One message ready to go (placeholders filled in). */
export type OutgoingEmail = { to: string; subject: string; text: string; html: string | null };

/** Sends one message or throws (connection refused, auth failed, recipient refused, timeout). */
export type Mailer = { send: (m: OutgoingEmail) => Promise<{ messageId: string }> };

/**
 * What the delivery job does with the outbox: send through SMTP; `capture` (no SMTP_URL outside
 * production: messages stay in the outbox, readable at /dev/mail); `off` (production without SMTP_URL:
 * messages wait until it is set).
 */
export type EmailDeliveryMode = "smtp" | "capture" | "off";
export type EmailDelivery = { mode: "smtp"; mailer: Mailer } | { mode: "capture" } | { mode: "off" };

/** An SMTP mailer for `smtpUrl` (smtp:// or smtps://, credentials and options in the URL, see nodemailer). */
export function smtpMailer(smtpUrl: string, from: string, opts: { timeoutMs?: number } = {}): Mailer {
  const timeout = opts.timeoutMs ?? 15_000;
  // Options in the URL (e.g. ?pool=true) are merged over these.
  const t = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    send: async (m) => {
      const info = await t.sendMail({ from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
      return { messageId: String(info.messageId ?? "") };
    },
  };
}

/** How email leaves this instance, without building a mailer (for what the console tells people). */
export function emailDeliveryMode(): EmailDelivery["mode"] {
  const e = env();
  return e.smtpUrl ? "smtp" : e.isProduction ? "off" : "capture";
}

type Global = typeof globalThis & { __gatehouseMailer?: { key: string; mailer: Mailer } };

export function emailDeliveryFromEnv(): EmailDelivery {
  const e = env();
  if (!e.smtpUrl) return e.isProduction ? { mode: "off" } : { mode: "capture" };
  const g = globalThis as Global;
  const key = `${e.smtpUrl}|${e.emailFrom}`;
  if (g.__gatehouseMailer?.key !== key) g.__gatehouseMailer = { key, mailer: smtpMailer(e.smtpUrl, e.emailFrom) };
  return { mode: "smtp", mailer: g.__gatehouseMailer.mailer };
}
