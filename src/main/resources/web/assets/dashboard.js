// The live dashboard: follows feeds over Socket.IO (/feeds), charts them with uPlot and tables them.
// The server conflates: it sends each feed's newest values at most 20 times a second, so the page
// never falls behind; drawing happens once per animation frame, whatever the update rate.
import { io } from '/socket.io/socket.io.esm.min.js';
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { askToLogIn } from '/assets/login-prompt.js';

const $ = (id) => document.getElementById(id);
const WINDOW_S = 300;
const MAX_RATE = 20;
const COLORS = ['#0b6fa4', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#c2255c', '#1864ab', '#5f3dc4'];

const socket = io('/feeds');
const cards = new Map(); // feed -> card state
let feedOrder = []; // feed names in the picker's order: cards keep it, whatever order they were ticked in
let updates = 0;
let lastLag = null;
let dirty = false;

function setStatus(kind, text) {
  $('status').dataset.state = kind;
  $('status').textContent = text;
}

socket.on('connect', async () => {
  setStatus('up', 'Connected');
  const res = await socket.emitWithAck('feeds', {});
  if (!res.ok) return;
  renderPicker(res.feeds);
  // After a reconnect, follow again what was followed (fresh history closes any gap).
  const wanted = cards.size ? [...cards.keys()] : res.feeds.slice(0, 2).map((f) => f.name);
  for (const name of wanted) await follow(name);
  document.documentElement.dataset.ready = 'true';
});
socket.on('disconnect', () => setStatus('down', 'Reconnecting…'));
socket.on('connect_error', (err) => {
  if (err.message === 'unauthorized') askToLogIn($('status'), 'Log in to see the feeds.', '/dashboard');
  else setStatus('down', `Cannot connect (${err.message}); retrying…`);
});

socket.on('sample', (s) => {
  const card = cards.get(s.feed);
  if (!card) return;
  updates++;
  lastLag = Date.now() - s.ts;
  if (s.seq <= card.seq) return;
  card.seq = s.seq;
  card.previous = card.latest;
  card.latest = s.values;
  const x = s.ts / 1000;
  const xs = card.data[0];
  if (xs.length && x <= xs[xs.length - 1]) return;
  xs.push(x);
  card.keys.forEach((k, i) => card.data[i + 1].push(typeof s.values[k] === 'number' ? s.values[k] : null));
  while (xs.length && xs[0] < x - WINDOW_S) card.data.forEach((col) => col.shift());
  card.changed = true;
  dirty = true;
});

// An administrator paused or resumed a followed feed: its card says so (no samples come while paused).
socket.on('state', (s) => cards.get(s.feed)?.setPaused(s.paused));

function renderPicker(feeds) {
  feedOrder = feeds.map((f) => f.name);
  const list = $('feed-list');
  list.replaceChildren(...feeds.map((f) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = f.name;
    box.checked = cards.has(f.name) || (!cards.size && feeds.indexOf(f) < 2);
    box.addEventListener('change', () => (box.checked ? follow(f.name) : unfollow(f.name)));
    const desc = document.createElement('span');
    desc.className = 'desc';
    desc.textContent = f.description ? ` ${f.description}` : '';
    label.append(box, ` ${f.name}`, desc);
    return label;
  }));
}

async function follow(name) {
  const res = await socket.emitWithAck('subscribe', { feed: name, maxRate: MAX_RATE, seconds: WINDOW_S, points: 300 });
  if (!res.ok) {
    setStatus('down', res.message);
    return;
  }
  const old = cards.get(name);
  if (old) old.root.remove();
  const card = makeCard(res.feed, res.history, res.snapshot);
  cards.set(name, card);
  card.build(); // after placing: the chart takes the card's width
  dirty = true;
}

// Puts a card where its feed stands in the picker, so unticking and reticking a feed does not move it.
function place(root, name) {
  const rank = (n) => { const i = feedOrder.indexOf(n); return i < 0 ? feedOrder.length : i; };
  const next = [...$('cards').children].find((c) => rank(c.dataset.feed) > rank(name));
  $('cards').insertBefore(root, next ?? null);
}

async function unfollow(name) {
  await socket.emitWithAck('unsubscribe', { feed: name });
  const card = cards.get(name);
  if (card) card.root.remove();
  cards.delete(name);
}

// Keys are grouped by what follows their last dot ("s1.temperature" -> "temperature"; "NGR" -> ""),
// so that one chart never mixes scales (prices with volumes, degrees with ppm).
function groupOf(key) {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? '' : key.slice(dot + 1);
}

function makeCard(feed, history, snapshot) {
  const root = document.createElement('section');
  root.className = 'card';
  root.dataset.feed = feed.name;
  const h = document.createElement('h2');
  h.textContent = feed.name;
  const state = document.createElement('span');
  state.className = 'feed-state';
  h.append(' ', state);
  const numeric = Object.keys(history.series);
  const groups = [...new Set(numeric.map(groupOf))];
  const select = document.createElement('select');
  select.className = 'group';
  select.setAttribute('aria-label', `Values charted for ${feed.name}`);
  groups.forEach((g) => select.append(new Option(g || 'values', g)));
  const chartBox = document.createElement('div');
  chartBox.className = 'chart';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  ['Key', 'Value', 'Change'].forEach((t, i) => {
    const th = document.createElement('th');
    th.textContent = t;
    if (i > 0) th.className = 'num'; // aligned with the numbers under it
    head.append(th);
  });
  const body = table.createTBody();
  root.append(h, select, chartBox, table);
  place(root, feed.name);

  const card = { root, body, chartBox, select, keys: numeric, seq: snapshot.seq, latest: snapshot.values, previous: null,
    data: [history.ts.map((t) => t / 1000), ...numeric.map((k) => history.series[k])], plot: null, changed: true };
  const build = () => {
    card.plot?.destroy();
    const group = select.value;
    // Colours are numbered among the shown series only, so that no two visible lines share one.
    let shown = 0;
    const series = numeric.map((k) => {
      const show = groupOf(k) === group;
      return { label: k, stroke: show ? COLORS[shown++ % COLORS.length] : '#999', width: 1.5, show, spanGaps: true };
    });
    card.plot = new uPlot({
      width: Math.max(280, chartBox.clientWidth),
      height: 240,
      series: [{}, ...series],
      axes: [{}, { size: 60 }],
      scales: { x: { time: true } },
    }, card.data, chartBox);
  };
  card.build = build;
  card.setPaused = (paused) => {
    state.textContent = paused ? 'paused' : '';
    root.dataset.paused = String(Boolean(paused));
  };
  card.setPaused(feed.paused);
  select.addEventListener('change', build);
  return card;
}

function renderTable(card) {
  const rows = Object.entries(card.latest).map(([k, v]) => {
    const tr = document.createElement('tr');
    const before = card.previous ? card.previous[k] : undefined;
    const delta = typeof v === 'number' && typeof before === 'number' ? v - before : null;
    const cells = [k, typeof v === 'number' ? v.toLocaleString() : String(v),
      delta === null ? '' : `${delta > 0 ? '▲' : delta < 0 ? '▼' : '·'} ${Math.abs(delta).toLocaleString(undefined, { maximumFractionDigits: 3 })}`];
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (i > 0) td.className = 'num';
      if (i === 2 && delta) td.classList.add(delta > 0 ? 'up' : 'down');
    });
    return tr;
  });
  card.body.replaceChildren(...rows);
  card.root.dataset.seq = String(card.seq);
}

function frame() {
  if (dirty) {
    dirty = false;
    for (const card of cards.values()) {
      if (!card.changed) continue;
      card.changed = false;
      card.plot.setData(card.data);
      renderTable(card);
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

setInterval(() => {
  $('rate').textContent = `${updates} updates/s`;
  $('lag').textContent = lastLag === null ? 'lag –' : `lag ${Math.max(0, lastLag)} ms`;
  updates = 0;
}, 1000);

window.addEventListener('resize', () => {
  for (const card of cards.values()) card.plot?.setSize({ width: Math.max(280, card.chartBox.clientWidth), height: 240 });
});
