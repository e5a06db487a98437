// Test-only page: the official socket.io client, as served by Nagare, in a real browser.
import { io } from '/socket.io/socket.io.esm.min.js';

const out = document.getElementById('result');
const socket = io('/browser');
const result = {};
// The transport the engine opened with (the upgrade may finish before 'connect' fires).
socket.io.on('open', () => {
  result.firstTransport = socket.io.engine.transport.name;
});

socket.on('connect', async () => {
  result.text = await socket.timeout(5000).emitWithAck('echo', { hello: '流れ' });
  const bytes = await socket.timeout(5000).emitWithAck('echo', new Uint8Array([1, 2, 3, 250]));
  result.binaryType = Object.prototype.toString.call(bytes);
  const buffer = bytes instanceof Blob ? await bytes.arrayBuffer() : bytes;
  result.binary = Array.from(new Uint8Array(buffer));
  if (socket.io.engine.transport.name !== 'websocket') {
    await new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
  }
  result.finalTransport = socket.io.engine.transport.name;
  result.afterUpgrade = await socket.timeout(5000).emitWithAck('echo', 'still here');
  out.textContent = JSON.stringify(result);
  document.documentElement.dataset.done = 'true';
});
socket.on('connect_error', (e) => {
  out.textContent = JSON.stringify({ error: e.message });
  document.documentElement.dataset.done = 'true';
});
