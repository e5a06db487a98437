// Official socket.io clients of the chat (/chat) behind a load balancer, for LoadBalancerIT.
// Usage: node lb-clients.mjs <balancerUrl> <token>
// Reads one JSON command per line on stdin ({id, op, ...}), answers each with {reply: id, ...}, and
// prints one JSON line per thing a client sees: {client, ready, count, transport, node} once the chat
// said hello (count: the how-manieth time), {client, upgraded}, {client, message}, {client, disconnected}.
// `node` is the node the balancer's cookie names (the one a `node` option asked for, or the cookie
// HAProxy set in the client's cookie jar), or null when unknown.
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io: connect } = require('socket.io-client');

const [url, token] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const COOKIE = 'nagare_node';
const clients = {};
const waiters = new Set(); // functions that check whether what they wait for happened

const settle = () => waiters.forEach((check) => check());

const nodeOf = (name) => {
  const c = clients[name];
  if (c.pinned) return c.pinned;
  const jar = c.socket.io.engine && c.socket.io.engine._cookieJar;
  if (!jar) return null;
  for (const [key, cookie] of jar.cookies) if (key === COOKIE) return cookie.value;
  return null;
};

const ops = {
  // {name, transports, upgrade?, node?, url?, localAddress?}: node pins the client to a node through
  // HAProxy's cookie; url names another balancer; localAddress is the address it connects from
  // (WebSocket only), which nginx's address hash picks the node by.
  open: (c) => new Promise((resolve, reject) => {
    const socket = connect(`${c.url || url}/chat`, {
      localAddress: c.localAddress,
      auth: { token },
      transports: c.transports || ['polling', 'websocket'],
      upgrade: c.upgrade !== false,
      withCredentials: true, // the Node client keeps cookies (the balancer's) only with this
      extraHeaders: c.node ? { cookie: `${COOKIE}=${c.node}` } : undefined,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    const client = { socket, pinned: c.node, ready: false, count: 0 };
    clients[c.name] = client;
    let first = true;
    socket.on('hello', () => {
      const transport = socket.io.engine.transport.name;
      client.ready = true;
      client.count += 1;
      out({ client: c.name, ready: true, count: client.count, transport, node: nodeOf(c.name),
        id: socket.id, recovered: socket.recovered });
      settle();
      if (first) {
        first = false;
        resolve({ transport, node: nodeOf(c.name) });
      }
    });
    socket.io.on('open', () => socket.io.engine.on('upgrade', (t) => out({ client: c.name, upgraded: t.name })));
    socket.on('message', (m) => out({ client: c.name, message: m.text }));
    socket.on('disconnect', (reason) => {
      client.ready = false;
      out({ client: c.name, disconnected: reason });
    });
    socket.on('connect_error', (e) => {
      out({ client: c.name, connectError: e.message });
      if (first && !socket.active) reject(new Error(`${c.name}: ${e.message}`));
    });
  }),
  send: (c) => new Promise((resolve, reject) => {
    const clientId = `${c.name}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    clients[c.name].socket.timeout(5000).emit('send', { room: 'general', text: c.text, clientId }, (err, ack) => {
      if (err) reject(err);
      else if (!ack || !ack.ok) reject(new Error(JSON.stringify(ack)));
      else resolve({ ack });
    });
  }),
  close: (c) => {
    clients[c.name].socket.close();
    delete clients[c.name];
    return {};
  },
  states: () => ({ states: Object.fromEntries(Object.entries(clients).map(([name, x]) => [name,
    { ready: x.ready, count: x.count, node: nodeOf(name), id: x.socket.id }])) }),
  // Resolves once every client is connected and greeted (so in #general), at once if they are.
  allReady: () => new Promise((resolve) => {
    const check = () => {
      if (Object.values(clients).every((x) => x.ready)) {
        waiters.delete(check);
        resolve({});
      }
    };
    waiters.add(check);
    check();
  }),
};

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
    out({ reply: cmd.id, ...(await ops[cmd.op](cmd)) });
  } catch (e) {
    out({ reply: cmd && cmd.id, error: String(e && e.message || e) });
  }
}).on('close', () => {
  Object.values(clients).forEach((c) => c.socket.close());
  process.exit(0);
});
out({ started: true });
