// The Node.js reference for Nagare's benchmarks: socket.io (version pinned in package-lock.json)
// with the same handlers as dev.nagare.bench.NagareBenchServer. Namespace /bench: every socket
// joins room "bench" unless its CONNECT auth is {role: "publisher"}; a "publish" event is
// broadcast as "tick" to the room. Usage: node server.mjs [port] [redis://HOST:PORT]; prints
// BENCH_PORT=<port>. With a Redis URL the server is one node of a cluster: the official
// @socket.io/redis-adapter (classic createAdapter), as Nagare's --cluster speaks it.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const redisUrl = process.argv[3];
const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6 });
if (redisUrl) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", (e) => console.log(`BENCH_REDIS_ERROR ${e.message}`));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub)); // before io.of(): each namespace gets its adapter when made
}
const ns = io.of("/bench");

let connected = 0;
let publishes = 0;
const disconnects = {};

ns.on("connection", (socket) => {
  connected++;
  if (socket.handshake.auth?.role !== "publisher") {
    socket.join("bench");
  }
  socket.on("rpc", (payload, ack) => ack(payload)); // the ack RPC scenario
  socket.on("publish", (payload) => {
    publishes++;
    ns.to("bench").emit("tick", payload);
  });
  socket.on("disconnect", (reason) => {
    connected--;
    disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  });
});

const status = () =>
  `connected=${connected} publishes=${publishes} disconnects=${JSON.stringify(disconnects)}`;
let last = "";
setInterval(() => {
  const now = status();
  if (now !== last) {
    const heap = Math.round(process.memoryUsage().heapUsed / 1048576);
    console.log(`BENCH_STATUS ${now} heapUsedMB=${heap}`);
    last = now;
  }
}, 5000).unref();

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    console.log(`BENCH_FINAL ${status()}`);
    io.close();
    process.exit(0);
  });
}

http.listen(port, "127.0.0.1", () => {
  console.log(`BENCH_PORT=${http.address().port} node=${process.version}`);
});
