// The /audio page: per stream an <audio> player (WAV or Ogg/Opus) with a level meter, and the
// low-latency path: a WebSocket of 20 ms PCM frames played by an AudioWorklet, with its latency
// (age of the audio when it arrived + what waits in the jitter buffer + the device's output latency).
// Text from the server goes in with textContent only.
import { askToLogIn } from '/assets/login-prompt.js';
import { counted } from '/assets/words.js';

const list = document.getElementById('streams');
const status = document.getElementById('status');
const rateSelect = document.getElementById('rate');

function query(s) {
  const rate = rateSelect.value;
  return rate && Number(rate) < s.sampleRate ? `?rate=${rate}` : '';
}

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

// A level meter on an <audio> element, once it plays (an AudioContext needs a user's gesture).
function meterFor(audio, meter) {
  let ctx = null;
  audio.addEventListener('play', () => {
    if (ctx) return;
    ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaElementSource(audio).connect(analyser);
    analyser.connect(ctx.destination);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(data);
      meter.value = Math.sqrt(data.reduce((a, v) => a + v * v, 0) / data.length);
      requestAnimationFrame(tick);
    };
    tick();
  });
}

async function lowLatency(s, button, readout, meter) {
  const rate = rateSelect.value && Number(rateSelect.value) < s.sampleRate ? Number(rateSelect.value) : s.sampleRate;
  const ctx = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule('/assets/pcm-player.js');
  const node = new AudioWorkletNode(ctx, 'pcm-player', { numberOfInputs: 0, outputChannelCount: [s.channels],
    processorOptions: { channels: s.channels } });
  node.connect(ctx.destination);
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/audio/${encodeURIComponent(s.name)}/ws${query(s)}`);
  ws.binaryType = 'arraybuffer';
  let clockOffset = 0;
  let age = null;
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') {
      clockOffset = JSON.parse(e.data).serverTime - Date.now();
      return;
    }
    const captured = Number(new DataView(e.data).getBigInt64(0));
    age = Date.now() + clockOffset - captured;
    const pcm = new Int16Array(e.data, 8);
    const f = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) f[i] = pcm[i] / 32768;
    node.port.postMessage(f, [f.buffer]);
  };
  node.port.onmessage = (e) => {
    meter.value = e.data.level;
    if (age === null) return;
    const device = ((ctx.outputLatency || 0) + (ctx.baseLatency || 0)) * 1000;
    const total = Math.max(0, age) + e.data.bufferedMs + device;
    readout.textContent = `latency ${Math.round(total)} ms (network ${Math.max(0, age)} ms, buffer ${Math.round(e.data.bufferedMs)} ms, `
      + `device ${Math.round(device)} ms)`;
    readout.dataset.latencyMs = String(Math.round(total));
  };
  ws.onclose = () => { readout.textContent = 'stopped'; ctx.close(); button.disabled = false; };
  button.disabled = true;
  const stop = el('button', { type: 'button', textContent: 'Stop' });
  stop.addEventListener('click', () => { ws.close(); stop.remove(); });
  button.after(stop);
}

async function load() {
  const res = await fetch('/api/audio/streams', { cache: 'no-store' });
  if (res.status === 401) {
    askToLogIn(status, 'Log in to listen.', '/audio');
    return;
  }
  const { streams } = await res.json();
  list.replaceChildren(...streams.map((s) => {
    const li = el('li', { className: 'stream' });
    li.dataset.stream = s.name;
    const title = el('h2', { textContent: `${s.name} (${s.sampleRate} Hz, ${s.channels === 1 ? 'mono' : 'stereo'})${s.published ? ', from a browser' : ''}` });
    const audio = el('audio', { controls: true, preload: 'none', src: `/audio/${encodeURIComponent(s.name)}.wav${query(s)}` });
    audio.dataset.stream = s.name;
    const format = el('select', { ariaLabel: `Format of ${s.name}` },
      el('option', { value: 'wav', textContent: 'WAV (PCM)' }), el('option', { value: 'ogg', textContent: 'Ogg/Opus' }));
    format.addEventListener('change', () => {
      audio.src = format.value === 'ogg' ? `/audio/${encodeURIComponent(s.name)}.ogg` : `/audio/${encodeURIComponent(s.name)}.wav${query(s)}`;
    });
    const meter = el('meter', { min: 0, max: 0.5, value: 0, title: 'level' });
    meterFor(audio, meter);
    const fastMeter = el('meter', { min: 0, max: 0.5, value: 0, title: 'level (low latency)' });
    const readout = el('span', { className: 'latency', textContent: '' });
    const fast = el('button', { type: 'button', className: 'low-latency', textContent: 'Play with low latency' });
    fast.addEventListener('click', () => lowLatency(s, fast, readout, fastMeter).catch((e) => { readout.textContent = e.message; }));
    li.append(title, el('p', {}, audio, ' ', format, ' ', meter), el('p', {}, fast, ' ', fastMeter, ' ', readout));
    return li;
  }));
  status.textContent = counted(streams.length, 'stream');
  document.documentElement.dataset.ready = 'true';
}

rateSelect.addEventListener('change', load);
load();
