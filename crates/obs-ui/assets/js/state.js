// Every view keeps its state in the URL: this module reads it and navigates by changing it.

/** The current URL's query parameters. */
export function params() {
  return new URLSearchParams(location.search);
}

/** Builds `path?k=v` from an object, leaving out empty values. */
export function link(path, values = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

let onNavigate = () => {};

/** Registers the app's renderer, called after every navigation. */
export function setNavigateHandler(handler) {
  onNavigate = handler;
}

/** Goes to a same-origin URL without reloading, adding a history entry (or replacing it). */
export function navigate(url, replace = false) {
  if (replace) history.replaceState(null, '', url);
  else {
    // Remember where the page was scrolled, so Back can restore it.
    history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '');
    history.pushState(null, '', url);
  }
  onNavigate();
}
