// /video/publish: camera -> canvas -> JPEG -> WebSocket, at the chosen size, rate and quality.
const form = document.getElementById('publish-form');
const status = document.getElementById('status');
const preview = document.getElementById('preview');
const startButton = document.getElementById('start');
const stopButton = document.getElementById('stop');
let session = null;

function say(text) {
  status.textContent = text;
}

async function start(event) {
  event.preventDefault();
  const name = form.elements.name.value;
  const [width, height] = form.elements.size.value.split('x').map(Number);
  const fps = Number(form.elements.fps.value);
  const quality = Number(form.elements.quality.value);
  startButton.disabled = true; // one publication at a time; enabled again when it ends
  // Ask first whether this login may publish this name, so nobody turns a camera on to be refused.
  const check = await fetch(`/api/video/publish/${encodeURIComponent(name)}`, { credentials: 'same-origin' });
  const verdict = check.ok ? await check.json() : null;
  if (!verdict || !verdict.allowed) {
    say(verdict ? `Cannot publish: ${verdict.message}` : check.status === 401 ? 'Log in to publish.' : `Cannot publish (HTTP ${check.status}).`);
    document.documentElement.dataset.publishing = 'refused';
    startButton.disabled = false;
    return;
  }
  let media;
  try {
    media = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate: fps }, audio: false });
  } catch (e) {
    say(`No camera: ${e.message}`);
    startButton.disabled = false;
    return;
  }
  preview.srcObject = media;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/video/publish/${encodeURIComponent(name)}`
    + `?width=${width}&height=${height}&fps=${fps}`);
  ws.binaryType = 'arraybuffer';
  let sent = 0;
  let timer = null;
  ws.onopen = () => {
    say(`Publishing to /video/${name}`);
    document.documentElement.dataset.publishing = 'true';
    timer = setInterval(() => {
      if (ws.bufferedAmount > 512 * 1024) {
        return; // the network is behind: skip this frame rather than queue it
      }
      g.drawImage(preview, 0, 0, width, height);
      canvas.toBlob((blob) => {
        if (blob && ws.readyState === WebSocket.OPEN) {
          ws.send(blob);
          sent += 1;
          say(`Publishing to /video/${name}: ${sent} frames sent`);
        }
      }, 'image/jpeg', quality);
    }, 1000 / fps);
  };
  ws.onclose = () => {
    clearInterval(timer);
    media.getTracks().forEach((t) => t.stop());
    say(sent === 0 ? 'Could not publish (not allowed, or the name is taken).' : 'Stopped.');
    document.documentElement.dataset.publishing = 'false';
    stopButton.disabled = true;
    startButton.disabled = false;
  };
  session = ws;
  stopButton.disabled = false;
}

form.addEventListener('submit', start);
stopButton.addEventListener('click', () => session && session.close());
