// A Node.js member of a Nagare cluster, for RedisInteropTest: a socket.io 4.8 server with the official
// @socket.io/redis-adapter on the given Redis, the official @socket.io/redis-emitter, and two official
// clients in namespace /it: "node" on this server, "nagare" on the Nagare node.
// Usage: node cluster-peer.mjs <redisUrl> <nagareBaseUrl or -> [key]
// Reads one JSON command per line on stdin ({id, op, ...}); writes one JSON line per event seen by a
// client ({client, event, args}) and per command done ({reply: id, ...}). Binary values travel as
// {"$bin": "<hex>"} both ways.
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { Emitter } = require('@socket.io/redis-emitter');
const { createClient } = require('redis');
const { io: connect } = require('socket.io-client');

const [redisUrl, nagareUrl, key = 'socket.io'] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const toWire = (v) => {
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    return { $bin: Buffer.from(v instanceof ArrayBuffer ? new Uint8Array(v) : v).toString('hex') };
  }
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
};
const fromWire = (v) => {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === 'object') {
    if (typeof v.$bin === 'string') return Buffer.from(v.$bin, 'hex');
    if (v.$date !== undefined) return new Date(v.$date);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
};

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
const emitterClient = pub.duplicate();
// Without an error listener node-redis throws when Redis restarts; with one it reconnects and resubscribes.
for (const c of [pub, sub, emitterClient]) c.on('error', (e) => out({ redisError: String(e && e.message || e) }));
await Promise.all([pub.connect(), sub.connect(), emitterClient.connect()]);

const httpServer = http.createServer();
const io = new Server(httpServer, { adapter: createAdapter(pub, sub, { key, requestsTimeout: 3000 }) });
const nsp = io.of('/it');
nsp.on('connection', (socket) => {
  for (const room of String(socket.handshake.query.rooms || '').split(',').filter(Boolean)) socket.join(room);
  socket.data.name = socket.handshake.query.name;
});
nsp.on('hello', (...args) => {
  const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  out({ serverSideEvent: 'hello', args: toWire(args), acked: !!ack });
  if (ack) ack('node-answer');
});
await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const port = httpServer.address().port;
const emitter = new Emitter(emitterClient, { key }).of('/it');

const clients = {};
const open = (name, url, query) => new Promise((resolve, reject) => {
  const c = connect(url, { query, transports: ['websocket'], reconnection: false });
  c.onAny((event, ...args) => out({ client: name, event, args: toWire(args) }));
  c.on('ackme', (arg, ack) => ack({ from: name, arg }));
  c.on('connect', () => resolve(c));
  c.on('connect_error', (e) => reject(new Error(`${name}: ${e.message}`)));
  c.on('disconnect', (reason) => out({ client: name, disconnected: reason }));
  clients[name] = c;
});
await open('node', `http://127.0.0.1:${port}/it`, { rooms: 'r1', name: 'node-client' });
if (nagareUrl !== '-') await open('nagare', `${nagareUrl}/it`, { rooms: 'r1', name: 'nagare-client' }); // '-': none
out({ ready: true, port, node: clients.node.id, nagare: clients.nagare && clients.nagare.id });

const select = (target, cmd) => {
  let t = target;
  if (cmd.rooms && cmd.rooms.length) t = t.to(cmd.rooms);
  if (cmd.except && cmd.except.length) t = t.except(cmd.except);
  if (cmd.volatile) t = t.volatile;
  return t;
};

const ops = {
  // c.nsp: another namespace than /it (e.g. a Nagare app's), which this server then holds too
  emit: (c) => { select(c.nsp ? io.of(c.nsp) : nsp, c).emit(c.event, ...fromWire(c.args || [])); return {}; },
  emitter: (c) => { select(emitter, c).emit(c.event, ...fromWire(c.args || [])); return {}; },
  fetch: async (c) => ({ sockets: (await select(nsp, c).fetchSockets()).map((s) => ({
    id: s.id, rooms: [...s.rooms], data: s.data, handshake: s.handshake })) }),
  join: (c) => { select(nsp, c).socketsJoin(c.room); return {}; },
  leave: (c) => { select(nsp, c).socketsLeave(c.room); return {}; },
  disconnect: (c) => { select(nsp, c).disconnectSockets(!!c.close); return {}; },
  emitterJoin: (c) => { select(emitter, c).socketsJoin(c.room); return {}; },
  emitterDisconnect: (c) => { select(emitter, c).disconnectSockets(!!c.close); return {}; },
  numsub: async (c) => ({ numsub: await pub.sendCommand(['PUBSUB', 'NUMSUB', ...c.channels]) }),
  rooms: async () => ({ rooms: [...(await nsp.adapter.allRooms())] }),
  serverSideEmit: (c) => { nsp.serverSideEmit(c.event, ...fromWire(c.args || [])); return {}; },
  serverSideEmitWithAck: async (c) => ({
    responses: toWire(await nsp.serverSideEmitWithAck(c.event, ...fromWire(c.args || []))) }),
  emitWithAck: async (c) => {
    try {
      return { responses: toWire(await select(nsp, c).timeout(c.timeout || 3000).emitWithAck(c.event, ...fromWire(c.args || []))) };
    } catch (e) {
      return { timedOut: String(e.message), responses: toWire(e.responses || []) };
    }
  },
};

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
    out({ reply: cmd.id, ...(await ops[cmd.op](cmd)) });
  } catch (e) {
    out({ reply: cmd && cmd.id, error: String(e && e.message || e) });
  }
}).on('close', async () => {
  Object.values(clients).forEach((c) => c.close());
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit(), emitterClient.quit()]);
  process.exit(0);
});
