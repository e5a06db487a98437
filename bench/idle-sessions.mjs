// Opens N idle Socket.IO sessions (official client, WebSocket only) to /bench at 127.0.0.1:PORT,
// 64 handshakes in flight, and keeps them open; prints "READY ok=.. fail=.." once all are settled.
// One destination address: nagare-server binds 127.0.0.1 only (127.0.0.2-8 are refused), and its
// per-address connection cap is off. The ephemeral port range (~28,000) bounds N.
//   NPM_DIR=npm/ node bench/idle-sessions.mjs PORT N      (used by scripts/idle-heap)
import { createRequire } from 'module';
import { resolve } from 'path';
const require = createRequire(resolve(process.env.NPM_DIR || new URL('../npm/', import.meta.url).pathname) + '/');
const { io } = require('socket.io-client');
const [port, n] = [process.argv[2], Number(process.argv[3])];
let ok = 0, fail = 0, next = 0;
const socks = [];
const errors = {};
function one() {
  if (next >= n) return;
  next++;
  const s = io(`http://127.0.0.1:${port}/bench`, { transports: ['websocket'], forceNew: true, reconnection: false });
  socks.push(s);
  s.on('connect', () => { ok++; done(); one(); });
  s.on('connect_error', (e) => { fail++; errors[e.message] = (errors[e.message] || 0) + 1; done(); one(); });
}
function done() {
  if (ok + fail === n) console.log(`READY ok=${ok} fail=${fail}` + (fail ? ' ' + JSON.stringify(errors) : ''));
}
for (let i = 0; i < 64; i++) one();
