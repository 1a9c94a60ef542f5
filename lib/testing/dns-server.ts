import dns2 from "dns2";

/**
 * A real DNS server on loopback (UDP) for tests: the app's resolver talks to it through
 * DNS_SERVERS=127.0.0.1:<port>, exactly as it would to a public name server. Records are set by
 * the test; answers carry TTL 0 so nothing is cached between steps.
 */

export type DnsAnswer =
  | { kind: "txt"; values: string[][] }
  /** NXDOMAIN (no such name). */
  | { kind: "nxdomain" }
  /** The name exists, with no TXT record (NOERROR, empty answer). */
  | { kind: "nodata" }
  | { kind: "servfail" }
  | { kind: "refused" }
  /** Never answer (the client times out). */
  | { kind: "drop" };

export type DnsLookup = (name: string, type: number) => DnsAnswer | Promise<DnsAnswer>;

export type TestDnsServer = {
  /** "127.0.0.1:<port>", the value for DNS_SERVERS. */
  address: string;
  port: number;
  /** Set (or with null remove) the TXT strings of `name`. Each value is one TXT record. */
  setTxt: (name: string, values: string[] | null) => void;
  /** Force an answer for `name` (servfail, refused, drop, nodata...), or null to clear it. */
  setAnswer: (name: string, answer: DnsAnswer | null) => void;
  clear: () => void;
  /** How many queries were answered, per lower-cased name. */
  queries: Map<string, number>;
  close: () => Promise<void>;
  /** Let the process exit while the server still listens (long-lived helpers, e.g. e2e setup). */
  unref: () => void;
};

const { Packet } = dns2;
/** RFC 1035 §4.1.1 response codes (dns2 exports them at run time but not in its types). */
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export async function startTestDnsServer(opts: { lookup?: DnsLookup; host?: string } = {}): Promise<TestDnsServer> {
  const txt = new Map<string, string[][]>();
  const forced = new Map<string, DnsAnswer>();
  const queries = new Map<string, number>();
  const key = (name: string) => name.toLowerCase().replace(/\.$/, "");

  const defaultLookup: DnsLookup = (name) => {
    const f = forced.get(name);
    if (f) return f;
    const values = txt.get(name);
    return values ? { kind: "txt", values } : { kind: "nxdomain" };
  };
  const lookup = opts.lookup ?? defaultLookup;

  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      void (async () => {
        const response = Packet.createResponseFromRequest(request);
        const [question] = request.questions;
        if (!question) {
          response.header.rcode = RCODE.FORMERR;
          await send(response);
          return;
        }
        const name = key(question.name);
        queries.set(name, (queries.get(name) ?? 0) + 1);
        let answer: DnsAnswer;
        try {
          answer = forced.get(name) ?? (await lookup(name, question.type));
        } catch {
          answer = { kind: "servfail" };
        }
        switch (answer.kind) {
          case "drop":
            return;
          case "nxdomain":
            response.header.rcode = RCODE.NXDOMAIN;
            break;
          case "servfail":
            response.header.rcode = RCODE.SERVFAIL;
            break;
          case "refused":
            response.header.rcode = RCODE.REFUSED;
            break;
          case "nodata":
            break;
          case "txt":
            if (question.type === Packet.TYPE.TXT) {
              for (const data of answer.values) {
                response.answers.push({
                  name: question.name,
                  type: Packet.TYPE.TXT,
                  class: Packet.CLASS.IN,
                  ttl: 0,
                  data,
                } as unknown as (typeof response.answers)[number]);
              }
            }
            break;
        }
        await send(response);
      })().catch(() => {});
    },
  });
  server.on("requestError", () => {});
  const host = opts.host ?? "127.0.0.1";
  const addresses = await server.listen({ udp: { port: 0, address: host } });
  const port = (addresses as { udp: { port: number } }).udp.port;
  return {
    address: `${host}:${port}`,
    port,
    setTxt: (name, values) => {
      if (values === null) txt.delete(key(name));
      // One TXT record per value; values over 255 bytes are split into character-strings as DNS requires.
      else txt.set(key(name), values.map(splitCharacterStrings));
    },
    setAnswer: (name, answer) => {
      if (answer === null) forced.delete(key(name));
      else forced.set(key(name), answer);
    },
    clear: () => {
      txt.clear();
      forced.clear();
    },
    queries,
    close: async () => {
      await server.close();
    },
    unref: () => {
      (server as unknown as { servers: { udp?: { unref: () => void } } }).servers.udp?.unref();
    },
  };
}

function splitCharacterStrings(value: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  return parts.length ? parts : [""];
}
