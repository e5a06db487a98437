// Shared by the pages that need a login, for a login that ends while the page is open (logout in
// another tab, an expired session): says so in the status line, with a link back here. Opening a page
// without a login never gets here: the server answers with the login form (server/AppPages).
export function askToLogIn(status, message, next) {
  status.textContent = message;
  const link = document.createElement('a');
  link.href = `/login?next=${encodeURIComponent(next)}`;
  link.textContent = ' Log in';
  status.append(link);
  document.documentElement.dataset.ready = 'true';
}
