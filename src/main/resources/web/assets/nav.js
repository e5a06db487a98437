// The navigation bar of every application page: the wordmark (home), a link to each page of the
// modules this server runs (GET /api/pages, so a module left out by --apps has no link), who is
// logged in and a Log out button. Logging out is the same form /logout's confirmation posts: the
// session's CSRF token (from /api/auth/session) in a "csrf" field. Guests (--guests) get "Log in".
// A page includes <nav id="site-nav"> where the bar goes, /assets/nav.css and this module.
const SVG = 'http://www.w3.org/2000/svg';

function wordmark() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'wordmark');
  svg.setAttribute('viewBox', '0 0 190 100');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', '流れ');
  svg.setAttribute('lang', 'ja');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', '/assets/wordmark.svg#nagare');
  svg.append(use);
  return svg;
}

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

async function json(url) {
  const res = await fetch(url, { cache: 'no-store' });
  return res.ok ? res.json() : null;
}

function account(me) {
  const here = location.pathname + location.search;
  if (!me || !me.authenticated) {
    return el('a', { className: 'site-login', href: `/login?next=${encodeURIComponent(here)}` }, 'Log in');
  }
  const csrf = el('input', { type: 'hidden', name: 'csrf', value: me.csrf });
  const form = el('form', { className: 'site-logout', method: 'post', action: '/logout' },
    el('span', { className: 'site-user' }, me.username), csrf,
    el('button', { type: 'submit' }, 'Log out'));
  return form;
}

async function render() {
  const nav = document.getElementById('site-nav')
    || document.body.insertBefore(el('nav', { id: 'site-nav' }), document.body.firstChild);
  nav.classList.add('site-nav');
  nav.setAttribute('aria-label', 'Nagare');
  const [pages, me] = await Promise.all([json('/api/pages').catch(() => null), json('/api/auth/session').catch(() => null)]);
  const home = el('a', { className: 'site-home', href: '/' }, wordmark(), ' Nagare');
  const links = el('ul', { className: 'site-links' });
  for (const page of pages ? pages.pages : []) {
    const a = el('a', { href: page.path }, page.title);
    if (page.path === location.pathname) a.setAttribute('aria-current', 'page');
    links.append(el('li', {}, a));
  }
  if (me && me.role === 'admin') {
    const a = el('a', { href: '/admin' }, 'Admin');
    if (location.pathname === '/admin') a.setAttribute('aria-current', 'page');
    links.append(el('li', {}, a));
  }
  nav.replaceChildren(home, links, account(me));
  nav.dataset.ready = 'true';
}

render();
