// Connection set-up latency with the official Node client (socket.io-client, version pinned in
// package-lock.json), so that every server faces the identical client. Opens --count connections to
// namespace /bench at --rate per second, each with forceNew and no reconnection; for each one it
// records, from the io() call (the first request leaves then):
//   handshakeMs  the Engine.IO OPEN arrived (answer to the handshake GET, or the first WebSocket frame)
//   connectMs    the Socket.IO CONNECT was acknowledged (the socket's "connect" event)
//   ackMs        the ack of the first emit ("rpc", sent on "connect") arrived: the set-up is done
//   upgradeMs    polling-first only: the client switched to WebSocket (null if it had not by then)
// and how the first emit left: over polling (the CONNECT reply came before the probe's pong, so the
// emit and its ack take a POST and another GET), held until the upgrade, or over WebSocket.
// Connections stay open until every one has its ack (or failed), then all are closed.
//
// Usage: node setup.mjs --url http://127.0.0.1:PORT --server NAME [--out FILE.json]
//          [--cases "polling,websocket@1x30 websocket@1x30 polling,websocket@100x200 websocket@100x200"]
//          [--warmup 500] [--timeout-ms 10000] [--keep-alive]
// A case is TRANSPORTS@RATExCOUNT (TRANSPORTS as given to io(): "polling,websocket" is the default,
// polling first). Before the cases, --warmup set-ups of each transport list at 100/s (not recorded)
// warm both sides (JIT, caches). Writes one JSON object to --out (or stdout). Each case also keeps,
// per set-up, its HTTP requests (sent, first response byte: the server's time plus loopback) and its
// Engine.IO packets, and reports the median of each request in order, to see where the time goes.
// --keep-alive gives the polling requests a keep-alive agent, as a browser has (the Node client's
// default is a new TCP connection per request).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith("--")) throw new Error(`expected --option, got ${a}`);
  const next = process.argv[i + 1];
  if (next === undefined || next.startsWith("--")) args[a.slice(2)] = "true";
  else args[a.slice(2)] = process.argv[++i];
}
const url = args.url ?? (() => { throw new Error("--url is required"); })();
const cases = (args.cases ?? "polling,websocket@1x30 websocket@1x30 polling,websocket@100x200 websocket@100x200")
  .trim().split(/\s+/).map((c) => {
    const m = /^([a-z,]+)@([0-9.]+)x([0-9]+)$/.exec(c);
    if (!m) throw new Error(`--cases: TRANSPORTS@RATExCOUNT, not ${c}`);
    return { transports: m[1].split(","), rate: Number(m[2]), count: Number(m[3]) };
  });
const warmup = Number(args.warmup ?? 500);
const rounds = Math.max(1, Number(args.rounds ?? 1));
const timeoutMs = Number(args["timeout-ms"] ?? 10000);
const agent = args["keep-alive"] === "true" ? new http.Agent({ keepAlive: true, maxSockets: 6 }) : undefined;

// Every HTTP request the client makes (the polling transport and the WebSocket handshake use
// node:http underneath), filed under its set-up: the handshake GET is made inside io(), later ones
// carry the sid. A few timestamps per request; nothing else changes.
let opening = null; // the set-up whose io() call is running
const bySid = new Map();
const originalRequest = http.request;
http.request = function (...a) {
  const req = originalRequest.apply(this, a);
  const sid = /[?&]sid=([^&]+)/.exec(req.path)?.[1];
  const transport = /[?&]transport=([a-z]+)/.exec(req.path)?.[1];
  const q = { method: req.method, transport, startMs: performance.now() };
  const owner = sid ? bySid.get(sid) : opening;
  owner?.requests.push(q);
  req.on("finish", () => (q.sentMs = performance.now()));
  req.on("upgrade", () => (q.firstByteMs = performance.now()));
  req.on("response", (res) => {
    q.firstByteMs = performance.now();
    q.status = res.statusCode;
    res.on("end", () => (q.doneMs = performance.now()));
  });
  return req;
};

function connectOne(index, transports) {
  return new Promise((resolve) => {
    const r = { index, handshakeMs: null, connectMs: null, ackMs: null, upgradeMs: null, error: null, sid: null,
      requests: [], packets: [] };
    const packets = r.packets;
    const t0 = performance.now();
    r.t0 = t0;
    const since = () => performance.now() - t0;
    opening = r;
    const socket = io(`${url}/bench`, {
      transports, forceNew: true, reconnection: false, timeout: timeoutMs, agent,
    });
    opening = null;
    const engine = socket.io.engine;
    const finish = (error) => {
      if (r.done) return;
      r.done = true;
      clearTimeout(timer);
      if (error) r.error = String(error);
      resolve({ r, socket });
    };
    const timer = setTimeout(() => finish(`no ack within ${timeoutMs} ms`), timeoutMs);
    // "handshake" comes before the engine's "open", on which the CONNECT is sent (its POST has the sid).
    engine.on("handshake", (data) => {
      r.sid = data.sid;
      bySid.set(r.sid, r);
    });
    socket.io.on("open", () => (r.handshakeMs = since()));
    engine.on("upgrade", () => (r.upgradeMs = since()));
    const name = () => engine.transport?.name;
    engine.on("packet", (p) => packets.push({ atMs: since(), dir: "in", type: p.type, transport: name() }));
    engine.on("packetCreate", (p) => packets.push({ atMs: since(), dir: "out", type: p.type, transport: name() }));
    engine.on("upgrading", () => packets.push({ atMs: since(), dir: "event", type: "upgrading" }));
    engine.on("upgrade", () => packets.push({ atMs: since(), dir: "event", type: "upgrade" }));
    socket.on("connect", () => {
      r.connectMs = since();
      // How the first emit leaves: on the current transport, or held until a probe under way ends.
      r.emitVia = engine.upgrading ? "held for the upgrade" : engine.transport.name;
      socket.emit("rpc", index, () => {
        r.ackMs = since();
        finish(null);
      });
    });
    socket.on("connect_error", (e) => finish(`connect_error: ${e.message}`));
    socket.on("disconnect", (reason) => finish(`disconnect before the ack: ${reason}`));
  });
}

const quantile = (sorted, q) => (sorted.length === 0 ? null
  : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
const round = (v) => (v == null ? null : Math.round(v * 1000) / 1000);
function summary(values) {
  const s = values.filter((v) => v != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return { n: s.length, p50: round(quantile(s, 0.5)), p90: round(quantile(s, 0.9)), p99: round(quantile(s, 0.99)),
    min: round(s[0]), max: round(s[s.length - 1]) };
}


/** Opens count set-ups at rate/s (an open-loop schedule: not waiting for the previous one), then closes them. */
async function runCase({ transports, rate, count }) {
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    pending.push(connectOne(i, transports));
  }
  const done = await Promise.all(pending);
  const elapsedMs = performance.now() - started;
  for (const { socket } of done) socket.close();
  for (const { r } of done) if (r.sid) bySid.delete(r.sid);
  await new Promise((res) => setTimeout(res, 500)); // the closes reach the server before the next case
  return { rows: done.map(({ r }) => r), elapsedMs };
}

/**
 * The requests of a set-up in order, each as "METHOD transport", with the median (over the set-ups
 * that made that same sequence, the most common one) of: when it was sent, how long until the first
 * byte of the answer (the server's time plus loopback), and when it was done.
 */
function requestProfile(rows) {
  const key = (r) => r.requests.filter((q) => q.startMs <= r.t0 + r.ackMs).map((q) => `${q.method} ${q.transport}`).join(" | ");
  const groups = new Map();
  for (const r of rows) {
    const k = key(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const [seq, same] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ["", []];
  if (same.length === 0) return null;
  const median = (vals) => round(quantile(vals.filter((v) => v != null).sort((a, b) => a - b), 0.5));
  const steps = seq.split(" | ").map((label, i) => {
    const at = (f) => median(same.map((r) => (r.requests[i][f] == null ? null : r.requests[i][f] - r.t0)));
    const serverMs = median(same.map((r) => (r.requests[i].firstByteMs == null || r.requests[i].sentMs == null
      ? null : r.requests[i].firstByteMs - r.requests[i].sentMs)));
    return { request: label, startMs: at("startMs"), sentMs: at("sentMs"), firstByteMs: at("firstByteMs"),
      doneMs: at("doneMs"), serverMs };
  });
  const packets = same[0].packets.filter((p) => p.atMs <= same[0].ackMs + 1).map((p) => `${p.atMs.toFixed(2)} ${p.dir} ${p.type}${p.transport ? " (" + p.transport + ")" : ""}`);
  return { setUps: same.length, of: rows.filter((r) => !r.error).length, steps, packetsOfOne: packets,
    ackMs: median(same.map((r) => r.ackMs)) };
}

function result(c, { rows, elapsedMs }) {
  const ok = rows.filter((r) => !r.error);
  const phase = (key, from) => summary(ok.map((r) => (r[key] == null || (from && r[from] == null) ? null : r[key] - (from ? r[from] : 0))));
  return {
    transports: c.transports.join(","), rate: c.rate, count: c.count,
    ok: ok.length, failed: rows.length - ok.length,
    errors: [...new Set(rows.filter((r) => r.error).map((r) => r.error))].slice(0, 5),
    elapsedMs: round(elapsedMs),
    // The machine's 1-minute load average as the case ended (it is shared: other work shows here).
    loadAverage: round(loadavg()[0]),
    // From io() (the first request) to the first ack: the whole set-up.
    totalMs: phase("ackMs"),
    // Each phase on its own: handshake (from io()), CONNECT (after the OPEN), first ack (after CONNECT).
    handshakeMs: phase("handshakeMs"),
    connectMs: phase("connectMs", "handshakeMs"),
    ackMs: phase("ackMs", "connectMs"),
    upgradedMs: phase("upgradeMs"),
    upgradedBeforeAck: ok.filter((r) => r.upgradeMs != null && r.upgradeMs <= r.ackMs).length,
    // Whether the CONNECT reply beat the probe's pong to the client (emit over polling: two more requests).
    firstEmitVia: ok.reduce((m, r) => ({ ...m, [r.emitVia]: (m[r.emitVia] ?? 0) + 1 }), {}),
    requestsPerSetUp: summary(ok.map((r) => r.requests.filter((q) => q.startMs <= r.t0 + r.ackMs).length)),
    profile: requestProfile(ok),
    connectionsColumns: ["handshakeMs", "connectMs", "ackMs", "upgradeMs"],
    connections: rows.map((r) => [round(r.handshakeMs), round(r.connectMs), round(r.ackMs), round(r.upgradeMs)]),
  };
}

const startedAt = new Date().toISOString();
if (warmup > 0) {
  for (const transports of new Set(cases.map((c) => c.transports.join(",")))) {
    const w = await runCase({ transports: transports.split(","), rate: 100, count: warmup });
    const failed = w.rows.filter((r) => r.error);
    if (failed.length > 0) console.error(`warm-up ${transports}: ${failed.length} failed (${failed[0].error})`);
  }
}
if (args["gc-pid"]) {
  // As the broadcast scenario does for JVM servers: one full collection after the warm-up, so that the
  // first, slow promotion of the start-up's and warm-up's objects does not land in a measured case.
  execFileSync("jcmd", [args["gc-pid"], "GC.run"], { stdio: "ignore" });
  await new Promise((res) => setTimeout(res, 1000));
}
const out = { scenario: "setup", server: args.server ?? "?", startedAt, client: `socket.io-client ${clientVersion()}`,
  keepAlive: agent !== undefined, warmup, rounds, cases: [] };
// Every case once per round, the rounds one after the other, so that each case is sampled at several
// moments of the run (a shared machine's load drifts); a case's figures pool the set-ups of all rounds.
const pooled = cases.map(() => ({ rows: [], elapsedMs: 0, roundsP50: [] }));
for (let round = 0; round < rounds; round++) {
  for (const [i, c] of cases.entries()) {
    const run = await runCase(c);
    pooled[i].rows.push(...run.rows);
    pooled[i].elapsedMs = Math.max(pooled[i].elapsedMs, run.elapsedMs);
    pooled[i].roundsP50.push(summary(run.rows.filter((r) => !r.error).map((r) => r.ackMs))?.p50 ?? null);
  }
}
for (const [i, c] of cases.entries()) {
  const res = { ...result(c, pooled[i]), count: c.count * rounds, rounds, roundsP50: pooled[i].roundsP50 };
  out.cases.push(res);
  const t = res.totalMs;
  console.error(`BENCH_RESULT setup ${out.server} ${res.transports} @${c.rate}/s x${c.count} x${rounds} rounds: ok ${res.ok},`
    + ` failed ${res.failed}` + (t ? `, p50 ${t.p50} ms, p99 ${t.p99} ms (round medians ${res.roundsP50.join(", ")})` : "")
    + (res.errors.length ? ` (${res.errors[0]})` : ""));
}
out.finishedAt = new Date().toISOString();
const text = JSON.stringify(out) + "\n";
if (args.out) writeFileSync(args.out, text);
else process.stdout.write(text);
agent?.destroy();
process.exit(0);

function clientVersion() {
  return JSON.parse(readFileSync(new URL("./node_modules/socket.io-client/package.json", import.meta.url))).version;
}
