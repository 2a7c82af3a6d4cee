// Building DOM without a framework and without HTML strings: every string child becomes a text
// node, so job names, data and payloads can never be parsed as markup.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  /** Attributes; `true` sets an empty attribute, `false`/null/undefined leaves it out. */
  [attribute: string]: string | number | boolean | null | undefined;
}

/**
 * `h('button', { type: 'button', class: 'x' }, 'Retry')`. Event handler attributes (`on...`) are
 * refused: listeners are added with `addEventListener`, never from strings.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

function setProps(el: Element, props: Props): void {
  for (const [name, value] of Object.entries(props)) {
    if (/^on/i.test(name)) throw new Error(`h(): refusing the event handler attribute ${name}`);
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}
