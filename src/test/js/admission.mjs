// The official Node socket.io client against a Nagare whose admission checks answer at once, later,
// on another thread, or refuse. Usage: node admission.mjs <namespaceUrl> <transports> <json options>
// where transports is websocket | polling | default. Prints one JSON line:
// {connected, transport, reply, binary} or {error, description}. Exits 1 only on a timeout.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');

const [url, transports, extra] = process.argv.slice(2);
const options = { reconnection: false, ...JSON.parse(extra || '{}') };
if (transports !== 'default') {
  options.transports = [transports];
}
const timer = setTimeout(() => {
  console.error('no connect and no connect_error within 10 s');
  process.exit(1);
}, 10000);
const s = io(url, options);
const finish = (result) => {
  clearTimeout(timer);
  s.close();
  console.log(JSON.stringify(result));
  process.exit(0);
};
s.on('connect_error', (err) => finish({
  connected: false,
  error: err.message,
  description: err.description === undefined ? null : String(err.description?.message ?? err.description),
  data: err.data ?? null,
}));
s.on('connect', async () => {
  const reply = await s.timeout(5000).emitWithAck('echo', 'admitted');
  const bytes = await s.timeout(5000).emitWithAck('echo', Buffer.from([0, 1, 2, 250, 255]));
  finish({
    connected: true,
    transport: s.io.engine.transport.name,
    reply,
    binary: Array.from(new Uint8Array(bytes)),
    binaryIsBuffer: Buffer.isBuffer(bytes) || bytes instanceof ArrayBuffer,
  });
});
