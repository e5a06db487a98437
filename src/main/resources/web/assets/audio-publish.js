// Publishes the microphone: getUserMedia (with the page's echo-cancellation and noise-suppression
// switches, and the chosen device) -> AudioWorklet -> 20 ms 16-bit PCM frames over a WebSocket.
import { askToLogIn } from '/assets/login-prompt.js';

const $ = (id) => document.getElementById(id);
let session = null;

async function devices() {
  try {
    const all = await navigator.mediaDevices.enumerateDevices();
    all.filter((d) => d.kind === 'audioinput' && d.deviceId).forEach((d, i) => {
      $('device').append(Object.assign(document.createElement('option'), { value: d.deviceId, textContent: d.label || `Microphone ${i + 1}` }));
    });
  } catch {
    // no device list: the default microphone is used
  }
  document.documentElement.dataset.ready = 'true';
}

async function start(e) {
  e.preventDefault();
  const name = $('stream').value.trim();
  const audio = { echoCancellation: $('echo').checked, noiseSuppression: $('noise').checked, autoGainControl: $('gain').checked,
    channelCount: 1 };
  if ($('device').value) audio.deviceId = { exact: $('device').value };
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio });
  } catch (err) {
    $('status').textContent = `No microphone: ${err.message}`;
    return;
  }
  const ctx = new AudioContext({ sampleRate: 48000 });
  await ctx.audioWorklet.addModule('/assets/pcm-capture.js');
  // Connected to the output (it writes only silence there): Chromium runs only nodes that lead somewhere.
  const capture = new AudioWorkletNode(ctx, 'pcm-capture');
  ctx.createMediaStreamSource(stream).connect(capture);
  capture.connect(ctx.destination);
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/audio/publish/${encodeURIComponent(name)}`);
  ws.binaryType = 'arraybuffer';
  let sentFrames = 0;
  capture.port.onmessage = (m) => {
    if (m.data instanceof ArrayBuffer) {
      if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 96000) { // never queue more than ~1 s
        ws.send(m.data);
        sentFrames++;
        if (sentFrames % 50 === 0) $('sent').textContent = `${sentFrames / 50} s sent`;
      }
    } else {
      $('level').value = m.data.level;
    }
  };
  let opened = false;
  ws.onopen = () => {
    opened = true;
    $('status').textContent = `Publishing "${name}" (echo cancellation ${audio.echoCancellation ? 'on' : 'off'}, noise suppression ${audio.noiseSuppression ? 'on' : 'off'}).`;
    $('status').dataset.state = 'up';
    $('start').hidden = true;
    $('stop').hidden = false;
  };
  ws.onclose = (ev) => {
    if (!opened) askToLogIn($('status'), 'Could not publish: log in with the right to broadcast, or choose another name.', '/audio/publish');
    else $('status').textContent = 'Stopped.';
    $('status').dataset.state = 'down';
    stream.getTracks().forEach((t) => t.stop());
    ctx.close();
    $('start').hidden = false;
    $('stop').hidden = true;
    session = null;
  };
  session = { ws };
}

$('publish-form').addEventListener('submit', start);
$('stop').addEventListener('click', () => session && session.ws.close());
devices();
