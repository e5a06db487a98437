// The /audio page: one <audio> player per stream (text via textContent only).
import { askToLogIn } from '/assets/login-prompt.js';
const list = document.getElementById('streams');
const status = document.getElementById('status');

async function load() {
  const res = await fetch('/api/audio/streams', { cache: 'no-store' });
  if (res.status === 401) {
    askToLogIn(status, 'Log in to listen.', '/audio');
    return;
  }
  const { streams } = await res.json();
  list.replaceChildren(...streams.map((s) => {
    const li = document.createElement('li');
    li.className = 'stream';
    const title = document.createElement('h2');
    title.textContent = `${s.name} (${s.sampleRate} Hz, ${s.channels === 1 ? 'mono' : 'stereo'})`;
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.preload = 'none';
    audio.src = `/audio/${encodeURIComponent(s.name)}.wav`;
    audio.dataset.stream = s.name;
    li.append(title, audio);
    return li;
  }));
  status.textContent = `${streams.length} stream(s)`;
  document.documentElement.dataset.ready = 'true';
}

load();
