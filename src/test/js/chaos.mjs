// Chaos scenarios driven by the official Node socket.io client against a running Nagare jar.
// Usage: node chaos.mjs <scenario> <baseUrl> <token> [args...]. Prints one JSON line with figures;
// the Java side (dev.nagare.chaos) decides what held. Every loop is bounded in count and time.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once, runScenario } from './scenario.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');

const [scenario, baseUrl, token, ...args] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const chat = (opts = {}) => io(`${baseUrl}/chat`, {
  transports: ['websocket'], auth: { token }, reconnection: false, ...opts,
});

const scenarios = {
  // Clients post with acks for `seconds`; the server may be killed meanwhile. Reports every
  // clientId the server acknowledged (stored before the ack).
  async chatload(clients = '20', seconds = '8') {
    const acked = [];
    let sent = 0;
    const end = Date.now() + Number(seconds) * 1000;
    const run = async (k) => {
      const s = chat();
      s.on('connect_error', () => {});
      try {
        await Promise.race([once(s, 'connect'), sleep(5000)]);
      } catch { /* counted below */ }
      for (let seq = 0; Date.now() < end && s.connected; seq++) {
        const clientId = `chaos-${process.pid}-${k}-${seq}`;
        sent++;
        try {
          const r = await s.timeout(3000).emitWithAck('send', { room: 'general', text: `m ${seq}`, clientId });
          if (r && r.ok && r.message) acked.push(clientId);
        } catch {
          break; // the server went away
        }
      }
      s.close();
    };
    await Promise.all(Array.from({ length: Number(clients) }, (_, k) => run(k)));
    return { sent, acked };
  },

  // Pages through #general's history and returns every clientId with the given prefix.
  async history(prefix) {
    const s = chat();
    await once(s, 'connect');
    const ids = [];
    let after = 0;
    for (let page = 0; page < 10000; page++) {
      const r = await s.timeout(10000).emitWithAck('history', { room: 'general', after, limit: 200 });
      const messages = r.messages || [];
      for (const m of messages) {
        if (m.clientId && m.clientId.startsWith(prefix)) ids.push(m.clientId);
        after = Math.max(after, m.id);
      }
      if (!r.more || messages.length === 0) break;
    }
    s.close();
    return { ids };
  },

  // `clients` sockets in #general lose their transport at the same moment while a publisher
  // keeps posting numbered messages; connection state recovery must give each of them every
  // message once, in order.
  async recovery(clients = '1000', messages = '200') {
    const n = Number(clients);
    const total = Number(messages);
    const tag = `rec-${process.pid}-${Date.now()}`;
    const got = Array.from({ length: n }, () => []);
    const sockets = [];
    for (let i = 0; i < n; i += 50) {
      const batch = [];
      for (let k = i; k < Math.min(n, i + 50); k++) {
        const s = chat({ reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 1000, randomizationFactor: 0.5 });
        s.on('message', (m) => {
          if (m && typeof m.text === 'string' && m.clientId && m.clientId.startsWith(tag)) got[k].push(Number(m.text));
        });
        sockets.push(s);
        batch.push(once(s, 'connect'));
      }
      await Promise.race([Promise.all(batch), sleep(20000)]);
    }
    const connected = sockets.filter((s) => s.connected).length;
    const publisher = chat();
    await once(publisher, 'connect');
    let recovered = 0;
    for (let seq = 1; seq <= total; seq++) {
      await publisher.timeout(5000).emitWithAck('send', { room: 'general', text: String(seq), clientId: `${tag}-${seq}` });
      if (seq === Math.floor(total / 3)) {
        // Every client's transport drops at once (not a client disconnect): they reconnect and recover.
        for (const s of sockets) {
          s.once('connect', () => { if (s.recovered) recovered++; });
          s.io.engine.close();
        }
      }
      await sleep(10);
    }
    // Wait until every client has the last message, or 20 s.
    const until = Date.now() + 20000;
    while (Date.now() < until && got.some((g) => g[g.length - 1] !== total)) await sleep(100);
    let gaps = 0; let duplicates = 0; let disorder = 0; let complete = 0;
    const missing = {};
    for (const g of got) {
      const have = new Set(g);
      for (let v = 1; v <= total; v++) if (!have.has(v)) missing[v] = (missing[v] || 0) + 1;
    }
    for (const g of got) {
      const seen = new Set();
      let last = 0;
      for (const v of g) {
        if (seen.has(v)) duplicates++;
        else if (v < last) disorder++;
        seen.add(v);
        last = Math.max(last, v);
      }
      gaps += total - seen.size;
      if (seen.size === total) complete++;
    }
    sockets.forEach((s) => s.close());
    publisher.close();
    return { clients: n, connected, recovered, messages: total, complete, gaps, duplicates, disorder, dropAt: Math.floor(total / 3), missing };
  },
};

await runScenario(scenarios, scenario, args, 300000);
