// The SSE viewer: follows /sse/<channel> with EventSource from the start of what the channel keeps
// (?lastEventId=0), marks the events the channel already held when we looked (id <= its lastId from
// GET /api/sse/<channel>) as replayed and the rest as live, and offers publishing
// (POST /api/sse/<channel>, with the session's CSRF token) when this login has the right.
const $ = (id) => document.getElementById(id);
const status = $('status');
const list = $('events');
const MAX_SHOWN = 500;
const NAME = /^[a-z0-9][a-z0-9:_.-]{0,63}$/;

let source = null;
let channel = null;
let replayedUpTo = null; // the channel's lastId when we started following: ids up to it are history
let csrf = null;
const heard = new Set(); // event names the EventSource listens for

function setStatus(state, text) {
  status.textContent = text;
  status.dataset.state = state;
}

function show(kind, label, meta, data) {
  const li = document.createElement('li');
  li.dataset.kind = kind;
  const k = document.createElement('span');
  k.className = 'kind';
  k.textContent = label;
  const m = document.createElement('span');
  m.className = 'meta';
  m.textContent = meta;
  const d = document.createElement('span');
  d.className = 'data';
  d.textContent = data;
  li.append(k, m, d);
  list.append(li);
  while (list.children.length > MAX_SHOWN) list.firstElementChild.remove();
}

function onEvent(e) {
  const id = e.lastEventId ? Number(e.lastEventId) : null;
  const replayed = id !== null && replayedUpTo !== null && id <= replayedUpTo;
  const name = e.type === 'message' ? '' : ` · ${e.type}`;
  show(replayed ? 'replayed' : 'live', replayed ? 'replayed' : 'live', `#${e.lastEventId}${name}`, e.data);
}

function hear(name) {
  if (source && !heard.has(name)) {
    heard.add(name);
    source.addEventListener(name, onEvent);
  }
}

async function loadChannels() {
  const res = await fetch('/api/sse', { cache: 'no-store' });
  if (!res.ok) return; // guests may follow but not list
  const { channels } = await res.json();
  $('channels').replaceChildren(...channels.map((c) => Object.assign(document.createElement('option'), { value: c.name })));
}

async function follow(name) {
  if (source) source.close();
  channel = name;
  list.replaceChildren();
  $('sse-error').textContent = '';
  history.replaceState(null, '', `/sse?channel=${encodeURIComponent(name)}`);
  const res = await fetch(`/api/sse/${encodeURIComponent(name)}`, { cache: 'no-store' });
  const info = await res.json();
  if (!res.ok || !info.follow) {
    setStatus('down', info.message || `You may not follow ${name}.`);
    document.documentElement.dataset.ready = 'true';
    return;
  }
  replayedUpTo = info.lastId;
  $('publish-channel').textContent = name;
  $('publish').hidden = !info.publish;
  $('publish-note').hidden = info.publish;
  $('publish-note').textContent = info.publish ? '' : `You can follow ${name} but not publish to it. ${info.reason}`;
  source = new EventSource(`/sse/${encodeURIComponent(name)}?lastEventId=0`);
  heard.clear();
  source.onmessage = onEvent;
  hear('sample');
  source.addEventListener('gap', (e) => {
    const gap = JSON.parse(e.data);
    // after 0: we asked for everything, and the history starts here; anything else was missed.
    if (gap.after !== 0) show('gap', 'missed', `after #${gap.after}`, `events up to #${gap.resumedAt} are gone`);
  });
  source.onopen = () => {
    setStatus('up', `Following ${name}.`);
    document.documentElement.dataset.ready = 'true';
  };
  source.onerror = () => setStatus('down', source.readyState === EventSource.CLOSED
    ? `Cannot follow ${name}.` : 'Reconnecting…');
}

async function publish(event) {
  event.preventDefault();
  const name = $('event-name').value.trim();
  const body = { data: $('data').value };
  if (name) {
    body.event = name;
    hear(name); // before the POST, so that its live delivery is heard
  }
  if (!csrf) csrf = (await (await fetch('/api/auth/session', { cache: 'no-store' })).json()).csrf;
  const res = await fetch(`/api/sse/${encodeURIComponent(channel)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  });
  if (res.ok) {
    $('data').value = '';
    $('sse-error').textContent = '';
  } else {
    $('sse-error').textContent = (await res.json()).message;
  }
}

$('follow-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = $('channel').value.trim();
  if (NAME.test(name)) follow(name);
});
$('publish-form').addEventListener('submit', publish);

loadChannels().catch(() => {});
const asked = new URLSearchParams(location.search).get('channel');
if (asked && NAME.test(asked)) {
  $('channel').value = asked;
  follow(asked);
} else {
  document.documentElement.dataset.ready = 'true';
}
