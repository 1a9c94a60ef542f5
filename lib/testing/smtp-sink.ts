import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type SmtpSink = {
  /** smtp://127.0.0.1:<port> (plain, no AUTH): what SMTP_URL would be. */
  url: string;
  messages: ParsedMail[];
  /** Refuse the next `n` messages with `451 4.3.0 Mail server busy` (a temporary failure). */
  refuseNext: (n: number) => void;
  close: () => Promise<void>;
};

/**
 * A real SMTP server on loopback for tests (the `smtp-server` package): accepts every message and
 * keeps it parsed, or refuses on demand. No STARTTLS, no AUTH.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refuse > 0) {
          refuse--;
          const err = new Error("Mail server busy") as Error & { responseCode: number };
          err.responseCode = 451;
          return callback(err);
        }
        simpleParser(Buffer.concat(chunks))
          .then((m) => {
            messages.push(m);
            callback();
          })
          .catch((e: Error) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuseNext: (n) => {
      refuse = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
