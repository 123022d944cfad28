// Completes the word under the cursor of a text input from a list (metric names, label and tag
// names, and quoted values after `name="` or `name = "`), filtered by what is typed so far.

/**
 * Attaches a suggestion list to `input`; `words(before)` answers the candidates for the text before
 * the cursor (may change over time, e.g. when values arrive). `pattern` is what a word looks like.
 * @param {HTMLInputElement} input
 * @param {(before: string) => string[]} words
 * @param {RegExp} [pattern]
 */
export function attachCompletion(input, words, pattern = /[a-zA-Z_:][a-zA-Z0-9_:]*$/) {
  const list = document.createElement('div');
  list.className = 'complete';
  list.hidden = true;
  list.dataset.completion = '';
  input.parentElement.style.position = 'relative';
  input.after(list);
  let active = 0;
  const wordAt = () => {
    const upto = input.value.slice(0, input.selectionStart);
    const inString = (upto.match(/"/g) || []).length % 2 === 1;
    const match = inString ? /"[^"]*$/.exec(upto) : pattern.exec(upto);
    return match ? { word: match[0], start: match.index } : null;
  };
  const choose = (word) => {
    const at = wordAt();
    if (!at) return;
    const end = at.start + at.word.length;
    input.value = input.value.slice(0, at.start) + word + input.value.slice(end);
    input.setSelectionRange(at.start + word.length, at.start + word.length);
    list.hidden = true;
    input.focus();
  };
  const show = () => {
    const at = wordAt();
    const before = input.value.slice(0, input.selectionStart);
    const found = at ? words(before).filter((w) => w.includes(at.word) && w !== at.word).slice(0, 50) : [];
    list.replaceChildren(...found.map((w, i) => {
      const item = document.createElement('div');
      item.textContent = w;
      if (i === active) item.className = 'on';
      item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(w); });
      return item;
    }));
    list.hidden = found.length === 0;
  };
  input.addEventListener('input', () => { active = 0; show(); });
  input.addEventListener('completion-refresh', () => { if (document.activeElement === input) show(); });
  input.addEventListener('blur', () => { list.hidden = true; });
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    const items = list.children;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      show();
    } else if (event.key === 'Tab' || (event.key === 'Enter' && items.length)) {
      event.preventDefault();
      choose(items[active].textContent);
    } else if (event.key === 'Escape') {
      list.hidden = true;
    }
  });
}

/**
 * Name and value completion backed by an API: `names()` loads once; `values(name)` loads a name's
 * values the first time a quote follows `name =`, `name=`, `name=~` or `name !=`.
 * @param {HTMLInputElement} input
 * @param {() => Promise<string[]>} names
 * @param {(name: string) => Promise<string[]>} values
 * @param {RegExp} pattern what a name looks like
 */
export function attachQueryCompletion(input, names, values, pattern) {
  /** @type {string[]} */
  let nameList = [];
  /** @type {Map<string, string[]>} */
  const valueLists = new Map();
  names().then((list) => { nameList = list; }).catch(() => {});
  const refresh = () => input.dispatchEvent(new Event('completion-refresh'));
  attachCompletion(input, (before) => {
    const inString = (before.match(/"/g) || []).length % 2 === 1;
    if (!inString) return nameList;
    const quoted = /([a-zA-Z_.][a-zA-Z0-9_.]*)\s*(?:=~|!=|!~|=)\s*"[^"]*$/.exec(before);
    if (!quoted) return [];
    const name = quoted[1];
    if (!valueLists.has(name)) {
      valueLists.set(name, []);
      values(name).then((list) => { valueLists.set(name, list.map((v) => JSON.stringify(v))); refresh(); }).catch(() => {});
    }
    return valueLists.get(name);
  }, pattern);
}
