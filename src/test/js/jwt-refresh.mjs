// The official Node socket.io client logged in by a JWT that expires: the server should end the socket
// with nagare:session-ended {reason} at the token's exp, and the client reconnects with a fresh token
// from its auth callback. Usage: node jwt-refresh.mjs expire|recover <namespaceUrl> <firstToken> <freshToken>.
// expire: the first token expires soon; the server ends the socket, the client connects anew.
// recover: the connection drops (as a network would) and the client reconnects with the fresh token,
// recovering its socket (the namespace must have recovery on).
// Prints one JSON line: {connects, tokensAsked, ended, endedAfterMs, disconnect, recovered}. Exits 1 on a timeout.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../../npm/package.json'));
const { io } = require('socket.io-client');

const [mode, url, shortLived, fresh] = process.argv.slice(2);
const timer = setTimeout(() => {
  console.error('no expiry and reconnect within 30 s: ' + JSON.stringify(result));
  process.exit(1);
}, 30000);
const result = { connects: 0, tokensAsked: 0, ended: null, endedAfterMs: null, disconnect: null, recovered: null };
let firstConnectAt = 0;
// What an application does: ask its identity provider for a token at every (re)connect.
const s = io(url, {
  transports: ['websocket'],
  reconnection: mode === 'recover',
  reconnectionDelay: 100,
  auth: (cb) => {
    result.tokensAsked += 1;
    cb({ token: result.tokensAsked === 1 ? shortLived : fresh });
  },
});
s.on('connect_error', (err) => {
  console.error('connect_error: ' + err.message + ' ' + JSON.stringify(err.data));
  process.exit(1);
});
s.on('nagare:session-ended', (m) => {
  result.ended = m.reason;
  result.endedAfterMs = Date.now() - firstConnectAt;
});
s.on('disconnect', (why) => {
  result.disconnect ??= why; // the first one: the last is our own close()
  if (why === 'io server disconnect') {
    s.connect(); // the server ended it: connect again, which asks the auth callback anew
  }
});
s.on('connect', () => {
  result.connects += 1;
  if (result.connects === 1) {
    firstConnectAt = Date.now();
    if (mode === 'recover') {
      setTimeout(() => s.io.engine.close(), 200); // the connection drops without a goodbye
    }
    return;
  }
  result.recovered = s.recovered;
  clearTimeout(timer);
  s.close();
  console.log(JSON.stringify(result));
  process.exit(0);
});
