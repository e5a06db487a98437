// The /video page: one live <img> per stream, with its stats. User-visible text goes through
// textContent only; stream names come from the server but are still never parsed as HTML.
import { askToLogIn } from '/assets/login-prompt.js';
import { counted } from '/assets/words.js';
const list = document.getElementById('streams');
const status = document.getElementById('status');

function card(stream) {
  const li = document.createElement('li');
  li.className = 'stream';
  const title = document.createElement('h2');
  title.textContent = stream.name;
  const img = document.createElement('img');
  img.src = `/video/${encodeURIComponent(stream.name)}`;
  img.alt = `Live video: ${stream.name}`;
  img.width = stream.width;
  img.height = stream.height;
  img.dataset.stream = stream.name;
  const stats = document.createElement('p');
  stats.className = 'stats';
  const snapshot = document.createElement('a');
  snapshot.href = `/video/${encodeURIComponent(stream.name)}/snapshot.jpg`;
  snapshot.textContent = 'Snapshot';
  li.append(title, img, stats, snapshot);
  return { li, stats, name: stream.name };
}

async function refreshStats(cards) {
  for (const c of cards) {
    try {
      const s = await (await fetch(`/video/${encodeURIComponent(c.name)}/stats`, { cache: 'no-store' })).json();
      c.stats.textContent = `${s.width}×${s.height} @ ${s.fps} fps, quality ${Math.round(s.quality * 100)} %, `
        + `${counted(s.viewers, 'viewer')}, ${s.framesProduced} frames, last frame ${Math.round(s.lastFrameBytes / 1024)} KB`;
    } catch (e) {
      c.stats.textContent = 'stats unavailable';
    }
  }
}

async function load() {
  const res = await fetch('/api/video/streams', { cache: 'no-store' });
  if (res.status === 401) {
    askToLogIn(status, 'Log in to watch video.', '/video');
    return;
  }
  const streams = await res.json();
  const cards = streams.map(card);
  list.replaceChildren(...cards.map((c) => c.li));
  status.textContent = counted(streams.length, 'stream');
  document.documentElement.dataset.ready = 'true';
  refreshStats(cards);
  setInterval(() => refreshStats(cards), 2000);
}

load();
