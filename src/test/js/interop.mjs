// Interop scenarios for the official Node socket.io client against a running Nagare.
// Usage: node interop.mjs <baseUrl> <scenario>. Prints one JSON line with the observed results;
// the Java test (NodeClientInteropTest) asserts on it. Exits 1 on timeout or error.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once, runScenario } from './scenario.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');

const [baseUrl, scenario] = process.argv.slice(2);
const nsp = `${baseUrl}/interop`;

// Names a step, so a timeout says which one.
const step = async (name, promise) => {
  try {
    return await promise;
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
};
const connect = (opts = {}) => {
  const socket = io(nsp, { reconnection: false, ...opts });
  return once(socket, 'connect').then(() => socket);
};

const scenarios = {
  async polling() {
    const s = await connect({ transports: ['polling'] });
    const reply = await s.timeout(5000).emitWithAck('echo', { text: 'héllo', n: 42 });
    const transport = s.io.engine.transport.name;
    s.close();
    return { transport, reply };
  },
  async websocket() {
    const s = await connect({ transports: ['websocket'] });
    const reply = await s.timeout(5000).emitWithAck('echo', 'over websocket');
    const transport = s.io.engine.transport.name;
    s.close();
    return { transport, reply };
  },
  async upgrade() {
    const s = io(nsp, { reconnection: false });
    // The transport the engine opened with (the upgrade may finish before 'connect' fires).
    const opened = once(s.io, 'open').then(() => s.io.engine.transport.name);
    await once(s, 'connect');
    const before = await opened;
    if (s.io.engine.transport.name !== 'websocket') {
      await once(s.io.engine, 'upgrade');
    }
    const reply = await s.timeout(5000).emitWithAck('echo', 'after upgrade');
    const after = s.io.engine.transport.name;
    s.close();
    return { before, after, reply };
  },
  async binary() {
    const s = await connect({ transports: ['websocket'] });
    const payload = { name: 'blob', data: Buffer.from([0, 1, 2, 253, 254, 255]), nested: [Buffer.from('xyz')] };
    const reply = await s.timeout(5000).emitWithAck('echo', payload);
    s.close();
    return {
      name: reply.name,
      data: Array.from(reply.data),
      nested: Buffer.from(reply.nested[0]).toString(),
      isBinary: Buffer.isBuffer(reply.data) || reply.data instanceof ArrayBuffer,
    };
  },
  async binaryPolling() {
    const s = await connect({ transports: ['polling'] });
    const reply = await s.timeout(5000).emitWithAck('echo', Buffer.from([9, 8, 7]));
    s.close();
    return { data: Array.from(new Uint8Array(reply)) };
  },
  async serverAck() {
    const s = io(nsp, { reconnection: false, transports: ['websocket'] });
    s.on('ask', (n, ack) => ack(n * 2));
    const [answer] = await once(s, 'answer');
    s.close();
    return { answer };
  },
  async rooms() {
    const a = await connect({ transports: ['websocket'] });
    const b = await connect({ transports: ['websocket'] });
    await a.timeout(5000).emitWithAck('join', 'r1');
    const got = { a: [], b: [] };
    a.on('news', (m) => got.a.push(m));
    b.on('news', (m) => got.b.push(m));
    await b.timeout(5000).emitWithAck('tell', 'r1', 'for r1');
    await b.timeout(5000).emitWithAck('tell', '', 'for all');
    // A final round trip on each socket: everything sent before it has arrived.
    await a.timeout(5000).emitWithAck('echo', 'sync');
    await b.timeout(5000).emitWithAck('echo', 'sync');
    a.close();
    b.close();
    return got;
  },
  async reconnect() {
    const s = io(nsp, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
    await once(s, 'connect');
    const firstId = s.id;
    s.emit('kick');
    const [reason] = await once(s, 'disconnect');
    s.connect(); // after "io server disconnect" the client waits to be told
    await once(s, 'connect');
    const reply = await s.timeout(5000).emitWithAck('echo', 'back');
    const secondId = s.id;
    s.close();
    return { reason, changedId: firstId !== secondId, reply };
  },
  async recovery() {
    const url = `${baseUrl}/recover`;
    const a = io(url, { transports: ['websocket'], reconnection: false });
    await once(a, 'connect');
    const firstId = a.id;
    const news = [];
    a.on('news', (m) => news.push(m));
    await step('join', a.timeout(5000).emitWithAck('join', 'news'));
    const b = io(url, { transports: ['websocket'], reconnection: false });
    await once(b, 'connect');
    await step('m1', b.timeout(5000).emitWithAck('tell', 'news', 'm1'));
    await step('sync1', a.timeout(5000).emitWithAck('echo', 'sync'));
    // Drop a's transport (not a client disconnect), then broadcast while it is away.
    const dropped = once(a, 'disconnect');
    a.io.engine.close();
    const [reason] = await dropped;
    await step('m2', b.timeout(5000).emitWithAck('tell', 'news', 'm2'));
    await step('m3', b.timeout(5000).emitWithAck('tell', 'news', 'm3'));
    a.connect();
    await once(a, 'connect');
    await step('sync2', a.timeout(5000).emitWithAck('echo', 'sync'));
    const result = { reason, recovered: a.recovered, sameId: a.id === firstId, news };
    a.close();
    b.close();
    return result;
  },
  async secure() {
    // WSS with Nagare's self-signed development certificate.
    const s = io(`${baseUrl}/tls`, { transports: ['websocket'], reconnection: false, rejectUnauthorized: false });
    await once(s, 'connect');
    const reply = await step('echo', s.timeout(5000).emitWithAck('echo', 'over wss'));
    const transport = s.io.engine.transport.name;
    s.close();
    return { reply, transport };
  },
  async refused() {
    const s = io(`${baseUrl}/private`, { reconnection: false, auth: { token: 'wrong' } });
    const [err] = await once(s, 'connect_error');
    s.close();
    return { message: err.message, data: err.data };
  },
};

await runScenario(scenarios, scenario, [], 15000);
