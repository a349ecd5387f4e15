// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML, so nothing a
// user typed (a review, a dispute statement) can become markup or script.
//
//   h('p', { class: 'note' }, 'Held: ', h('strong', {}, amount))
//   svg('rect', { x: 0, y: 0, width: 10, height: 20 })

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

export function svg(tag, props, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

// Replaces everything inside `el` with `children`.
export function mount(el, ...children) {
  el.replaceChildren();
  build(el, {}, children);
  return el;
}

// The first 8 characters of a UUID, with the whole id as a tooltip: enough to tell rows apart.
export function shortId(id) {
  return h('span', { class: 'id', title: id }, (id || '').slice(0, 8));
}
