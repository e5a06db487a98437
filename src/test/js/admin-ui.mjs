// The official Node socket.io client in the role of @socket.io/admin-ui 0.5.1 against Nagare's /admin
// namespace (AdminUiTest, AdminUiClusterTest).
// Usage: node admin-ui.mjs <baseUrl> <admin> <adminPassword> <user> <userPassword> [clientBaseUrl]
// (clientBaseUrl: where the ordinary client connects, another node of a cluster; default baseUrl).
// Prints one JSON line with what each step saw. Exits 1 on a timeout.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');

const [base, admin, adminPassword, user, userPassword, clientBase = base] = process.argv.slice(2);
setTimeout(() => {
  console.error('admin-ui.mjs: not done within 25 s: ' + JSON.stringify(out));
  process.exit(1);
}, 25000);
const out = {};

// Resolves with the connect_error message, or 'connected' (then closes).
const tryLogin = (auth) => new Promise((resolve) => {
  const s = io(base + '/admin', { auth, reconnection: false, forceNew: true });
  s.on('connect_error', (e) => resolve(e.message));
  s.on('connect', () => { s.close(); resolve('connected'); });
});

// Resolves with the arguments of the first event `name` (seen on the UI socket before or after the
// call) for which pred(...args) holds.
const seen = new Map();
const waiters = [];
const waitFor = (name, pred = () => true) => new Promise((resolve) => {
  const hit = (seen.get(name) || []).find((args) => pred(...args));
  if (hit) {
    resolve(hit);
  } else {
    waiters.push({ name, pred, resolve });
  }
});
const record = (name, args) => {
  if (!seen.has(name)) seen.set(name, []);
  seen.get(name).push(args);
  for (const w of waiters.filter((w) => w.name === name && w.pred(...args))) {
    waiters.splice(waiters.indexOf(w), 1);
    w.resolve(args);
  }
};

out.wrongPassword = await tryLogin({ username: admin, password: adminPassword + 'x' });
out.notAnAdmin = await tryLogin({ username: user, password: userPassword });
out.noSession = await tryLogin({ sessionId: null });
out.unknownSession = await tryLogin({ sessionId: '0123456789abcdef' });

const ui = io(base + '/admin', { auth: { username: admin, password: adminPassword }, reconnection: false, forceNew: true });
ui.onAny((name, ...args) => record(name, args));
const order = [];
ui.onAny((name) => order.push(name));
await new Promise((resolve, reject) => { ui.on('connect', resolve); ui.on('connect_error', reject); });
const [sessionId] = await waitFor('session');
const [config] = await waitFor('config');
const [allSockets] = await waitFor('all_sockets');
const [stats] = await waitFor('server_stats');
out.sessionId = sessionId;
out.firstEvents = order.filter((n) => ['session', 'config', 'all_sockets'].includes(n));
out.config = config;
out.allSockets = allSockets;
out.stats = stats;

// A client of an ordinary namespace: connects, joins a room by an event, is moved and disconnected by the UI.
const client = io(clientBase + '/plain', { reconnection: false, forceNew: true });
await new Promise((resolve) => client.on('connect', resolve));
const [connected] = await waitFor('socket_connected', (s) => s.id === client.id);
out.socketConnected = connected;
out.clientId = client.id;
// After the upgrade to WebSocket, within a stats period.
out.socketUpdated = (await waitFor('socket_updated', (u) => u.id === client.id && u.transport === 'websocket'))[0];
await client.emitWithAck('enter', 'lobby');
out.roomJoined = await waitFor('room_joined', (nsp, room, id) => id === client.id && room === 'lobby');
out.eventReceived = await waitFor('event_received', (nsp, id) => id === client.id);
out.eventSent = await waitFor('event_sent', (nsp, id) => id === client.id);

ui.emit('join', '/plain', 'vip', client.id);
out.joinedByUi = await waitFor('room_joined', (nsp, room, id) => id === client.id && room === 'vip');
ui.emit('leave', '/plain', 'vip', client.id);
out.leftByUi = await waitFor('room_left', (nsp, room, id) => id === client.id && room === 'vip');

const clientSid = client.id; // cleared by the client on disconnect
const clientGone = new Promise((resolve) => client.on('disconnect', resolve));
ui.emit('_disconnect', '/plain', false, client.id);
out.clientDisconnectReason = await clientGone;
out.socketDisconnected = await waitFor('socket_disconnected', (nsp, id) => id === clientSid);
out.laterStats = (await waitFor('server_stats', (s) => s.aggregatedEvents.length > 0))[0];

// A page reload: the stored session id opens the UI without the password.
const again = io(base + '/admin', { auth: { sessionId }, reconnection: false, forceNew: true });
const listed = new Promise((resolve) => again.on('all_sockets', resolve));
out.withSession = await new Promise((resolve) => {
  again.on('connect', () => resolve('connected'));
  again.on('connect_error', (e) => resolve(e.message));
});
out.adminAuthShown = (await listed).filter((s) => s.nsp === '/admin').map((s) => s.handshake.auth);
again.close();
out.serverIds = [...new Set(seen.get('server_stats').map((args) => args[0].serverId))];
ui.close();
console.log(JSON.stringify(out));
process.exit(0);
