import net from "node:net";

/**
 * A loopback TCP proxy in front of Postgres for tests. It can cut the database off (`down()`: every
 * open connection is reset and the port stops listening, so new connections are refused) and bring
 * it back (`up()`), and it counts the round trips clients make. Every Sync (extended protocol) and
 * every simple Query ends one request, answered by one ReadyForQuery. Requests a client sends before
 * it had the answers they could depend on (a pipeline) cost one round trip together: the count is the
 * longest chain of requests each sent after an answer to the one before.
 */
export type PgProxy = {
  port: number;
  /** The same postgres:// URL, through the proxy. */
  via: (databaseUrl: string) => string;
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** Round trips since the last reset: the longest chain of requests each sent after the previous one's answer. */
  roundTrips: () => number;
  /** Statements executed (Execute + simple Query messages) since the last reset. */
  statements: () => number;
  /** The statements run since the last reset (their text), in order. */
  sent: () => string[];
  resetCounts: () => void;
  openConnections: () => number;
  close: () => Promise<void>;
};

/**
 * Splits one direction of a connection into protocol messages. A client's stream starts with the
 * startup packet, which has no type byte (`startup`); the server's does not.
 */
function protocolMessages(onMessage: (type: string, body: Buffer) => void, startup = true) {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (startup) {
        if (buf.length < 4) return;
        const len = buf.readInt32BE(0);
        if (buf.length < len) return;
        const code = len >= 8 ? buf.readInt32BE(4) : 0;
        buf = buf.subarray(len);
        // SSLRequest / GSSENCRequest come before the real startup packet.
        if (code !== 80877103 && code !== 80877104) startup = false;
        continue;
      }
      if (buf.length < 5) return;
      const len = buf.readInt32BE(1);
      if (buf.length < 1 + len) return;
      onMessage(String.fromCharCode(buf[0]!), buf.subarray(5, 1 + len));
      buf = buf.subarray(1 + len);
    }
  };
}

export async function startPgProxy(
  target: { host: string; port: number },
  listenPort = 0,
  /** How late answers are passed on (round-trip counting; 0 for tests that only cut the link). */
  answerDelayMs = 0,
): Promise<PgProxy> {
  const sockets = new Set<net.Socket>();
  const connections = new Set<{ reset: () => void }>();
  let roundTrips = 0;
  let sent: string[] = [];
  const texts = new Map<string, string>();
  let statements = 0;
  let port = listenPort;
  let server: net.Server | null = null;

  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    // Round trips as a critical path: a request's depth is one more than that of the last answer passed
    // on to the client before it was sent (answers come in request order). Requests sent before any
    // answer they could depend on share a depth, however the pipeline was split into writes.
    const awaiting: number[] = []; // depths of the requests sent and not yet answered, in order
    let answeredDepth = 0;
    let requestDepth = 0; // of the request being sent (set at its first message)
    const counter = { reset: () => (answeredDepth = 0) };
    connections.add(counter);
    // The server's messages have the same framing, without a startup packet (no SSL on loopback).
    const answers = protocolMessages((t) => {
      if (t === "Z") answeredDepth = awaiting.shift() ?? answeredDepth;
    }, false);
    let inRequest = false;
    const count = protocolMessages((t, body) => {
      if (!inRequest && t !== "X") {
        inRequest = true;
        requestDepth = answeredDepth + 1;
        if (requestDepth > roundTrips) {
          roundTrips = requestDepth;
          sent.push(`-- round trip ${roundTrips}`);
        }
      }
      if (t === "S" || t === "Q") {
        awaiting.push(requestDepth);
        inRequest = false;
      }
      if (t === "E" || t === "Q") statements++;
      if (t === "Q") sent.push(body.toString("utf8", 0, body.indexOf(0)));
      if (t === "P") {
        const name = body.toString("utf8", 0, body.indexOf(0));
        const text = body.toString("utf8", body.indexOf(0) + 1, body.indexOf(0, body.indexOf(0) + 1));
        if (name) texts.set(name, text);
        else sent.push(text);
      }
      if (t === "B") {
        const name = body.toString("utf8", body.indexOf(0) + 1, body.indexOf(0, body.indexOf(0) + 1));
        if (name) sent.push(texts.get(name) ?? name);
      }
    });
    client.on("data", (chunk: Buffer) => {
      count(chunk);
      upstream.write(chunk);
    });
    // Answers are taken into account, and passed on, `answerDelayMs` late (FIFO). A client that sends
    // a pipeline without waiting may write it in pieces (postgres.js writes at once past 1 KB, the
    // rest a turn of the event loop later); held answers cannot make a later piece look like a new
    // round trip. A request that waited for an answer can only come after that answer was passed on,
    // so it is still counted.
    const passOn = (chunk: Buffer) => {
      answers(chunk);
      if (!client.destroyed) client.write(chunk);
    };
    upstream.on("data", (chunk: Buffer) => (answerDelayMs > 0 ? setTimeout(passOn, answerDelayMs, chunk) : passOn(chunk)));
    const end = () => {
      connections.delete(counter);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();

  const down = async () => {
    const s = server;
    server = null;
    // Reset (not a polite FIN): what a crashed server or a cut network looks like to the client.
    for (const sock of sockets) sock.resetAndDestroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };

  return {
    get port() {
      return port;
    },
    via: (databaseUrl) => {
      const u = new URL(databaseUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    down,
    up: async () => {
      if (!server) await listen();
    },
    roundTrips: () => roundTrips,
    statements: () => statements,
    sent: () => sent,
    resetCounts: () => {
      for (const c of connections) c.reset();
      sent = [];
      roundTrips = 0;
      statements = 0;
    },
    openConnections: () => sockets.size / 2,
    close: down,
  };
}

/**
 * A fresh test database on the Postgres server (`t.db`, direct) and the app's own client to it through
 * a new proxy (`app.db`), as the proxy suites use them; `close()` ends all three.
 */
export async function postgresBehindProxy(opts: { max: number; answerDelayMs?: number }) {
  const { openPostgres } = await import("@/db");
  const { createTestDb } = await import("./test-db");
  const t = await createTestDb({ kind: "postgres" });
  const url = new URL(t.url!);
  const proxy = await startPgProxy({ host: url.hostname, port: Number(url.port || 5432) }, 0, opts.answerDelayMs);
  const app = await openPostgres(proxy.via(t.url!), { max: opts.max });
  return {
    t,
    proxy,
    app,
    close: async () => {
      await app.close();
      await proxy.close();
      await t.close();
    },
  };
}
