// Connection state recovery across two Nagare nodes of one cluster, with the official client.
// Usage: node cluster-recovery.mjs <nodeA> <nodeB>. Client "a" is on node A and is never closed: as
// when A is killed, A says nothing at disconnect. Its pid and last offset are then presented to node
// B by a new client, as the official client does when it reconnects through a load balancer.
// Prints one JSON line: what the recovering client got.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');
const [nodeA, nodeB] = process.argv.slice(2);
const opts = (extra) => ({ transports: ['websocket'], reconnection: false, ...extra });
const once = (s, ev) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`timeout waiting for ${ev}`)), 10000);
  s.once(ev, (...args) => { clearTimeout(t); resolve(args); });
});
const until = (s, ev, want) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`timeout waiting for ${ev} ${want}`)), 10000);
  const h = (v) => { if (v === want) { clearTimeout(t); s.off(ev, h); resolve(); } };
  s.on(ev, h);
});

const a = io(`${nodeA}/rec`, opts({ query: { room: 'r' } }));
await once(a, 'connect');
const observer = io(`${nodeB}/rec`, opts({ query: { room: 'r' } }));
await once(observer, 'connect');
const first = until(a, 'msg', 'first');
observer.emit('say', 'first');
await first;
const pid = a._pid;
const offset = a._lastOffset;
const sid = a.id;
a.io.engine.removeAllListeners(); // "a" stops listening: node A is gone as far as it is concerned
a.off();
const missedSeen = until(observer, 'msg', 'missed-2');
observer.emit('say', 'missed-1');
observer.emit('say', 'missed-2');
await missedSeen;

const got = [];
const c = io(`${nodeB}/rec`, opts({ auth: { pid, offset } }));
c.on('msg', (m) => got.push(m));
await once(c, 'connect');
const after = until(c, 'msg', 'after');
observer.emit('say', 'after');
await after;
console.log(JSON.stringify({ sameId: c.id === sid, offsetShape: /^\d+-\d+$/.test(offset || ''), got }));
for (const s of [a, observer, c]) s.close();
process.exit(0);
