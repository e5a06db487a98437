// The official socket.io client, listening: for tests that make the server emit (e.g. over HTTP).
// Usage: node listener.mjs <namespaceUrl> [query as JSON]. Prints {ready, id} once connected, then
// one line per event {event, args}; answers events with an ack callback with {heard: firstArg}.
// Quits when stdin ends.
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');
const [url, query] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const socket = io(url, { transports: ['websocket'], reconnection: false, query: query ? JSON.parse(query) : {} });
socket.onAny((event, ...args) => {
  const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  out({ event, args });
  if (ack) ack({ heard: args[0] });
});
socket.on('connect', () => out({ ready: true, id: socket.id }));
socket.on('connect_error', (e) => out({ connectError: e.message }));
socket.on('disconnect', (reason) => out({ disconnected: reason }));
readline.createInterface({ input: process.stdin }).on('close', () => {
  socket.close();
  process.exit(0);
});
