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
// Usage: node [--expose-gc] setup.mjs --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2] --server NAME[,NAME2]
//          [--out FILE.json, with {server} in it for several servers] [--gc-pid [NAME=]PID[,...]]
//          [--cpu-pid NAME=PID[,...]] [--jfr FILE.jfr] [--rounds 3] [--together-below 10]
//          [--cases "polling,websocket@1x30 websocket@1x30 polling,websocket@100x200 websocket@100x200"]
//          [--warmup 500] [--timeout-ms 10000] [--keep-alive]
// A case is TRANSPORTS@RATExCOUNT (TRANSPORTS as given to io(): "polling,websocket" is the default,
// polling first). Before the cases, --warmup set-ups of each transport list at 100/s (not recorded)
// warm each server (JIT, caches). Writes one JSON object per server to --out (or stdout). Each case also
// keeps, per set-up, its HTTP requests (sent, first response byte: the server's time plus loopback) and
// its Engine.IO packets, and reports the median of each request in order, to see where the time goes,
// and the slowest 1% one by one, with the load generator's own collections during each.
// Several servers (all started beforehand) take each case in turn, in an order alternating by round;
// a slow case (under --together-below per second, 10 by default) runs against all at once, their
// set-ups alternating.
// --cpu-pid NAME=PID,... records each server's CPU time per set-up in each case (all its threads).
// --gc-pid names a server's JVM: it gets one full collection after its warm-up, and each case records
// the JIT compilations it made meanwhile (jstat). --jfr FILE records that JVM over the cases (Java
// code sampled every 1 ms). With --expose-gc the load generator collects its own heap before each case.
// --keep-alive gives the polling requests a keep-alive agent, as a browser has (the Node client's
// default is a new TCP connection per request).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { resolve } from "node:path";
import { loadavg } from "node:os";
import { monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import { io } from "socket.io-client";

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith("--")) throw new Error(`expected --option, got ${a}`);
  const next = process.argv[i + 1];
  if (next === undefined || next.startsWith("--")) args[a.slice(2)] = "true";
  else args[a.slice(2)] = process.argv[++i];
}
// One server, or several (comma-separated, names in the same order) run side by side, case by case.
const urls = (args.url ?? (() => { throw new Error("--url is required"); })()).split(",");
const names = (args.server ?? "?").split(",");
if (names.length !== urls.length) throw new Error("--server: one name per --url");
const servers = urls.map((url, k) => ({ url, name: names[k] }));
if (servers.length > 1 && args.out && !args.out.includes("{server}")) throw new Error("--out: several servers need {server} in it");
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

function connectOne(url, index, transports) {
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

// The load generator's garbage collections (start, duration), to tell its pauses from the server's.
const clientGcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) clientGcs.push({ atMs: e.startTime, durationMs: e.duration, kind: e.detail?.kind });
}).observe({ entryTypes: ["gc"] });

const quantile = (sorted, q) => (sorted.length === 0 ? null
  : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
const round = (v) => (v == null ? null : Math.round(v * 1000) / 1000);
function summary(values) {
  const s = values.filter((v) => v != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  return { n: s.length, p50: round(quantile(s, 0.5)), p90: round(quantile(s, 0.9)), p99: round(quantile(s, 0.99)),
    min: round(s[0]), max: round(s[s.length - 1]) };
}


/**
 * Opens count set-ups at rate/s against each of the given servers (an open-loop schedule: not waiting
 * for the previous one), then closes them. With several servers, their set-ups alternate: server k's
 * i-th starts k/(rate·servers) s after server 0's, so that each server's set-ups meet the same moments
 * of the machine. Returns each server's rows, in the order given.
 */
async function runCase(targets, { transports, rate, count }) {
  if (globalThis.gc) {
    // As the server's JVM gets after the warm-up: the load generator starts each case with a collected
    // heap (node --expose-gc), so that a full collection of earlier cases' garbage does not land in it.
    globalThis.gc();
    await new Promise((res) => setTimeout(res, 100));
  }
  // The load generator's own stalls (its event loop's delay, its collections) delay set-ups as much as
  // a server's would: recorded beside them, so that a slow set-up can be told apart.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const started = performance.now();
  const gcsBefore = clientGcs.length;
  const pending = targets.map(() => []);
  for (let i = 0; i < count; i++) {
    for (const [k, server] of targets.entries()) {
      const wait = started + (i * 1000) / rate + (k * 1000) / (rate * targets.length) - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      pending[k].push(connectOne(server.url, i, transports));
    }
  }
  const done = await Promise.all(pending.map((p) => Promise.all(p)));
  const elapsedMs = performance.now() - started;
  for (const { socket, r } of done.flat()) {
    socket.close();
    if (r.sid) bySid.delete(r.sid);
  }
  await new Promise((res) => setTimeout(res, 500)); // the closes reach the server before the next case
  loopDelay.disable();
  const gcs = clientGcs.slice(gcsBefore).filter((g) => g.atMs >= started);
  return { rows: done.map((d) => d.map(({ r }) => r)), elapsedMs,
    client: { loopDelayP99Ms: round(loopDelay.percentile(99) / 1e6), loopDelayMaxMs: round(loopDelay.max / 1e6),
      gcs: gcs.length, gcMaxMs: round(Math.max(0, ...gcs.map((g) => g.durationMs))),
      gcKinds: gcs.reduce((m, g) => ({ ...m, [g.kind]: (m[g.kind] ?? 0) + 1 }), {}) } };
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

// A set-up the load generator itself held up: one of its collections overlapped it, or one of its
// requests took this long from being made to having left (on loopback, well under a millisecond unless
// the generator's event loop was busy). Counted for every server alike.
const CLIENT_STALL_MS = 5;
const ownRequests = (r) => r.requests.filter((q) => q.startMs <= r.t0 + (r.ackMs ?? Infinity));
/** How long the load generator's collections overlapped this set-up, in ms. */
const clientGcMs = (r) => clientGcs.filter((g) => g.atMs < r.t0 + (r.ackMs ?? 0) && g.atMs + g.durationMs > r.t0)
  .reduce((sum, g) => sum + g.durationMs, 0);
/** The longest any of this set-up's requests took to leave the load generator, in ms. */
const clientSendMs = (r) => Math.max(0, ...ownRequests(r).filter((q) => q.sentMs != null).map((q) => q.sentMs - q.startMs));
const heldByClient = (r) => clientGcMs(r) > 0 || clientSendMs(r) >= CLIENT_STALL_MS;

/** One set-up's requests (sent, first byte, done) and packets, in ms from its io() call. */
function timeline(r) {
  const at = (v) => (v == null ? null : round(v - r.t0));
  return { startEpochMs: round(performance.timeOrigin + r.t0), ackMs: round(r.ackMs), clientGcMs: round(clientGcMs(r)),
    clientSendMs: round(clientSendMs(r)),
    requests: ownRequests(r).map((q) => ({ request: `${q.method} ${q.transport}`,
      startMs: at(q.startMs), sentMs: at(q.sentMs), firstByteMs: at(q.firstByteMs), doneMs: at(q.doneMs) })),
    packets: r.packets.filter((p) => p.atMs <= r.ackMs + 1).map((p) => `${p.atMs.toFixed(2)} ${p.dir} ${p.type}${p.transport ? " (" + p.transport + ")" : ""}`) };
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
    // The set-ups the load generator did not hold up (see heldByClient), and how many it did: the
    // server's own tail, as far as the client can tell.
    heldByClient: ok.filter(heldByClient).length,
    totalNotHeldMs: summary(ok.filter((r) => !heldByClient(r)).map((r) => r.ackMs)),
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
    // The slowest 1% (the tail the p99 reads): each one's requests and packets, to see where it waited.
    slowest: ok.slice().sort((a, b) => b.ackMs - a.ackMs).slice(0, Math.max(1, Math.ceil(ok.length / 100))).map(timeline),
    // startEpochMs: when io() was called (wall clock), to line a slow set-up up with the server's events.
    connectionsColumns: ["handshakeMs", "connectMs", "ackMs", "upgradeMs", "startEpochMs", "clientGcMs", "clientSendMs"],
    connections: rows.map((r) => [round(r.handshakeMs), round(r.connectMs), round(r.ackMs), round(r.upgradeMs),
      round(performance.timeOrigin + r.t0), round(clientGcMs(r)), round(clientSendMs(r))]),
  };
}

const startedAt = new Date().toISOString();
// Each server's JVM, if it is one (--gc-pid NAME=PID,...; a bare PID is the first server's).
const jvmPids = new Map((args["gc-pid"] ?? "").split(",").filter(Boolean)
  .map((p) => (p.includes("=") ? p.split("=") : [servers[0].name, p])));
// --jfr FILE: a flight recording of the (one) JVM server, Java code sampled every 1 ms (the JDK's
// "profile" settings otherwise), for a flame graph of where its time goes over the cases. It starts
// before the warm-up: starting a recording makes the JVM recompile much of its code (thousands of
// compilations here), which the warm-up then absorbs; the graph takes the cases' window only.
let recording = null;
if (args.jfr) {
  const [name, pid] = [...jvmPids.entries()][0] ?? [];
  if (!pid) throw new Error("--jfr needs --gc-pid (the JVM to record)");
  const settings = `${args.jfr}.jfc`;
  const home = /java\.home = (.*)/.exec(execFileSync("sh", ["-c", "java -XshowSettings:properties -version 2>&1"], { encoding: "utf8" }))[1].trim();
  const control = 'control="method-sampling-java-interval">';
  writeFileSync(settings, readFileSync(`${home}/lib/jfr/profile.jfc`, "utf8").replace(new RegExp(`${control}[^<]*`), `${control}1 ms`));
  execFileSync("jcmd", [pid, "JFR.start", "name=setup", `settings=${settings}`], { stdio: "ignore" });
  recording = { server: name, pid, jfr: args.jfr };
}
for (const server of servers) {
  if (warmup > 0) {
    for (const transports of new Set(cases.map((c) => c.transports.join(",")))) {
      const w = await runCase([server], { transports: transports.split(","), rate: 100, count: warmup });
      const failed = w.rows[0].filter((r) => r.error);
      if (failed.length > 0) console.error(`warm-up ${server.name} ${transports}: ${failed.length} failed (${failed[0].error})`);
    }
  }
  if (jvmPids.has(server.name)) {
    // As the broadcast scenario does for JVM servers: one full collection after the warm-up, so that the
    // first, slow promotion of the start-up's and warm-up's objects does not land in a measured case.
    execFileSync("jcmd", [jvmPids.get(server.name), "GC.run"], { stdio: "ignore" });
    await new Promise((res) => setTimeout(res, 1000));
  }
}
// Each server's process (--cpu-pid NAME=PID,...): the CPU time it spent during each case, all threads.
const cpuPids = new Map((args["cpu-pid"] ?? "").split(",").filter(Boolean).map((p) => p.split("=")));
/**
 * A server's CPU time so far: ns (the sum of its threads' /proc schedstat: exact) and its user and
 * system clock ticks (/proc/PID/stat: coarse, for the split), or null.
 */
function cpuNs(server) {
  const pid = cpuPids.get(server.name);
  if (!pid) return null;
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ")[0]);
      } catch { /* the thread ended meanwhile */ }
    }
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // from field 3 (state) on
    return { ns, user: Number(fields[11]), system: Number(fields[12]) };
  } catch {
    return null;
  }
}
/** The JVM's JIT compilations so far (jstat -compiler: count, seconds), or null for a server that is no JVM. */
function compiled(server) {
  const pid = jvmPids.get(server.name);
  if (!pid) return null;
  try {
    const [count, , , seconds] = execFileSync("jstat", ["-compiler", pid], { encoding: "utf8" }).trim().split("\n")[1].trim().split(/\s+/);
    return { count: Number(count), ms: Number(seconds) * 1000 };
  } catch {
    return null;
  }
}
// Every case once per round, the rounds one after the other, so that each case is sampled at several
// moments of the run (a shared machine's load drifts); a case's figures pool the set-ups of all rounds.
// With several servers, a fast case runs against each of them in turn (they would share the server
// core), in an order that alternates from one round to the next (A B, B A, ...): the servers' runs of
// a case are seconds apart and neither is always first, so a drift in the machine's load falls on both.
// A slow case (below --together-below, 10/s by default, its set-ups rarely overlap) runs against all
// of them at once, their set-ups alternating, so that each server's set-ups meet the same moments.
if (recording) recording.fromEpochMs = Date.now();
const pooled = servers.map(() => cases.map(() => ({ rows: [], elapsedMs: 0, roundsP50: [], client: [], jit: [],
  cpuUs: [], cpuTicks: { user: 0, system: 0 } })));
const togetherBelow = Number(args["together-below"] ?? 10);
for (let n = 0; n < rounds; n++) {
  for (const [i, c] of cases.entries()) {
    const order = servers.map((_, k) => k);
    if (n % 2 === 1) order.reverse();
    const groups = c.rate < togetherBelow ? [order] : order.map((k) => [k]);
    for (const group of groups) {
      const before = group.map((k) => compiled(servers[k]));
      const cpuBefore = group.map((k) => cpuNs(servers[k]));
      const run = await runCase(group.map((k) => servers[k]), c);
      for (const [g, k] of group.entries()) {
        const cpuAfter = cpuNs(servers[k]);
        const after = compiled(servers[k]);
        const p = pooled[k][i];
        p.rows.push(...run.rows[g]);
        p.elapsedMs = Math.max(p.elapsedMs, run.elapsedMs);
        p.roundsP50.push(summary(run.rows[g].filter((r) => !r.error).map((r) => r.ackMs))?.p50 ?? null);
        p.client.push(run.client);
        p.together = group.length > 1;
        // CPU per set-up: all the server did during the case (its set-ups, their closes, its timers) over
        // the set-ups; only where the case ran against this server alone.
        if (group.length === 1 && cpuBefore[g] != null && cpuAfter != null) {
          p.cpuUs.push(round((cpuAfter.ns - cpuBefore[g].ns) / 1000 / c.count));
          p.cpuTicks.user += cpuAfter.user - cpuBefore[g].user;
          p.cpuTicks.system += cpuAfter.system - cpuBefore[g].system;
        }
        if (before[g] && after) p.jit.push({ compilations: after.count - before[g].count, ms: round(after.ms - before[g].ms) });
      }
    }
  }
}
if (recording) {
  recording.toEpochMs = Date.now();
  execFileSync("jcmd", [recording.pid, "JFR.dump", "name=setup", `filename=${resolve(recording.jfr)}`], { stdio: "ignore" });
  execFileSync("jcmd", [recording.pid, "JFR.stop", "name=setup"], { stdio: "ignore" });
}
for (const [k, server] of servers.entries()) {
  const out = { scenario: "setup", server: server.name, startedAt, client: `socket.io-client ${clientVersion()}`,
    keepAlive: agent !== undefined, warmup, rounds, interleavedWith: servers.filter((s) => s !== server).map((s) => s.name),
    cases: [], ...(recording?.server === server.name ? { profile: { jfr: recording.jfr, fromEpochMs: recording.fromEpochMs,
      toEpochMs: recording.toEpochMs } } : {}) };
  for (const [i, c] of cases.entries()) {
    const p = pooled[k][i];
    const res = { ...result(c, p), count: c.count * rounds, rounds, roundsP50: p.roundsP50, client: p.client,
      alternatingWithinCase: p.together && servers.length > 1,
      ...(p.jit.length ? { jit: p.jit } : {}), ...(p.cpuUs.length ? { cpuPerSetUpUs: p.cpuUs, cpuTicks: p.cpuTicks } : {}) };
    out.cases.push(res);
    const t = res.totalMs;
    console.error(`BENCH_RESULT setup ${out.server} ${res.transports} @${c.rate}/s x${c.count} x${rounds} rounds: ok ${res.ok},`
      + ` failed ${res.failed}` + (t ? `, p50 ${t.p50} ms, p99 ${t.p99} ms (round medians ${res.roundsP50.join(", ")})` : "")
      + (res.errors.length ? ` (${res.errors[0]})` : ""));
  }
  out.finishedAt = new Date().toISOString();
  const text = JSON.stringify(out) + "\n";
  if (args.out) writeFileSync(args.out.replaceAll("{server}", server.name), text);
  else process.stdout.write(text);
}
agent?.destroy();
process.exit(0);

function clientVersion() {
  return JSON.parse(readFileSync(new URL("./node_modules/socket.io-client/package.json", import.meta.url))).version;
}
