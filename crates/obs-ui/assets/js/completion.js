// Completes the word under the cursor of a text input from a list (metric names, label names).

/** Attaches a suggestion list to `input`; `words()` answers the candidates (may change over time). */
export function attachCompletion(input, words) {
  const list = document.createElement('div');
  list.className = 'complete';
  list.hidden = true;
  list.dataset.completion = '';
  input.parentElement.style.position = 'relative';
  input.after(list);
  let active = 0;
  const wordAt = () => {
    const upto = input.value.slice(0, input.selectionStart);
    const match = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(upto);
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
    const found = at ? words().filter((w) => w.includes(at.word) && w !== at.word).slice(0, 50) : [];
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
